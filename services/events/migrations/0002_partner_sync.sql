-- Partner sync: events keyed by a partner's own id, and a change feed partners pull.

ALTER TABLE events ADD COLUMN external_source uuid, ADD COLUMN external_id text, ADD COLUMN external_hash text;
-- One event per partner organization and its own id.
CREATE UNIQUE INDEX events_external ON events (external_source, external_id) WHERE external_source IS NOT NULL;

-- Every published change of an event, in the transaction that made it. The feed reads it in
-- (txid, seq) order and only below the oldest transaction still running: a slower transaction
-- that commits late can never be skipped by a cursor that has already passed its neighbours.
CREATE TABLE changes (
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    txid             xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id         uuid NOT NULL,
    type             text NOT NULL,
    organization_ids uuid[] NOT NULL,
    visibility       text NOT NULL,
    payload          jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (txid, seq)
);
CREATE INDEX changes_organizations ON changes USING gin (organization_ids);
