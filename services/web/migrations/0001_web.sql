-- The web app keeps only its sessions: who is signed in on a browser, and their tokens (encrypted
-- with a key made from BIRLIKTE_WEB_SECRET; the browser holds just the session's id and secret).
CREATE TABLE sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    secret_hash  text NOT NULL,
    person_id    uuid NOT NULL,
    name         text NOT NULL,
    language     text,
    time_zone    text,
    tokens       bytea NOT NULL,
    access_expires_at timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_expired ON sessions (expires_at);
