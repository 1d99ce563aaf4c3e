-- Partner sync: which cancellations the partner made (and may undo), and when a calendar feed
-- was last applied in full (an unchanged feed is applied again now and then, so that its
-- recurring events keep arriving as the horizon moves).
ALTER TABLE events ADD COLUMN withdrawn_by_partner boolean NOT NULL DEFAULT false;
ALTER TABLE calendar_imports ADD COLUMN last_applied_at timestamptz;
