-- Rate limits shared by every process of a service: hits per key in fixed windows (shared/ratelimit.py).
CREATE TABLE rate_limits (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- Tokens issued before `not_before` for this subject (a person, `client:<id>`) or session
-- (`sid:<id>`) are refused: a revocation, deactivation or role change reaches every service's
-- API through its copy of these, fed by the registry's messages (shared/auth/revocations.py).
CREATE TABLE token_revocations (
    subject    text PRIMARY KEY,
    not_before timestamptz NOT NULL,
    reason     text NOT NULL
);
CREATE INDEX token_revocations_recent ON token_revocations (not_before);
