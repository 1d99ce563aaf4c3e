-- What the test handlers do: one row per handled message (no unique key, so a second effect shows).
CREATE TABLE effects (
    id         bigserial PRIMARY KEY,
    message_id text NOT NULL,
    value      text,
    created_at timestamptz NOT NULL DEFAULT now()
);
