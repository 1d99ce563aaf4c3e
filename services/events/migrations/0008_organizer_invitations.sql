-- An organization named as co-organizer by someone who does not speak for it (an admin of another
-- organization) is invited: it counts as an organizer (manages the event, is shown and announced
-- as one) only once an admin of its own accepts. Until then it waits here, never in organizer_ids.
ALTER TABLE events ADD COLUMN pending_organizer_ids uuid[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT events_pending_organizers_apart CHECK (NOT organizer_ids && pending_organizer_ids);
CREATE INDEX events_pending_organizers ON events USING gin (pending_organizer_ids)
    WHERE pending_organizer_ids <> '{}';
