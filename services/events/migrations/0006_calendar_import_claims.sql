-- A fetch in hand is a claim (shared/leases.py): claimed_at says since when a worker holds the
-- import; a claim older than the lease belongs to a worker that died and is taken over.
ALTER TABLE calendar_imports ADD COLUMN claimed_at timestamptz;
CREATE INDEX calendar_imports_claimed ON calendar_imports (claimed_at) WHERE claimed_at IS NOT NULL;
