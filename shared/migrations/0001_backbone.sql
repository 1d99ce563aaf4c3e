-- The backbone's tables, created in every service's schema before the service's own.

-- Transactional outbox: a state change and the messages it causes commit together.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    message_id   text NOT NULL UNIQUE,
    routing_key  text NOT NULL,                 -- the CloudEvents type
    envelope     jsonb NOT NULL,                -- the whole CloudEvent, structured mode
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL;

-- Wake relays on commit; one notification per statement, not per row.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Inbox: a consumed message's effects and this row commit together, so a redelivery is skipped.
CREATE TABLE inbox (
    source      text NOT NULL,
    message_id  text NOT NULL,
    type        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, message_id)
);

-- Idempotency-Key on POST: the stored answer is replayed to a retried request.
CREATE TABLE idempotency_keys (
    principal    text NOT NULL,
    key          text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    headers      jsonb NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
