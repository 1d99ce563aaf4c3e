-- Personal calendar feeds: a private URL per person, revocable. Only a hash of the token is kept.
CREATE TABLE calendar_tokens (
    token_hash text PRIMARY KEY,
    person_id  uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE UNIQUE INDEX calendar_tokens_live ON calendar_tokens (person_id) WHERE revoked_at IS NULL;
