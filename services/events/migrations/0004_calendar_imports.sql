-- Partners' own iCalendar feeds, which the events worker fetches and upserts from (by UID).

CREATE TABLE calendar_imports (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL,            -- the partner organization: organizer of what is imported
    url             text NOT NULL,
    kind            text NOT NULL,            -- defaults for what a VEVENT cannot say
    visibility      text NOT NULL,
    language        text NOT NULL,            -- the language SUMMARY and DESCRIPTION are written in
    time_zone       text NOT NULL,            -- for floating times and all-day events
    active          boolean NOT NULL DEFAULT true,
    created_by      text NOT NULL,
    etag            text,                     -- the feed's validators, for conditional fetches
    last_modified   text,
    next_fetch_at   timestamptz NOT NULL DEFAULT now(),
    last_fetched_at timestamptz,
    last_outcome    text,                     -- imported | not_modified | failed
    last_error      text,
    last_report     jsonb NOT NULL DEFAULT '{}',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organization_id, url)
);
CREATE INDEX calendar_imports_due ON calendar_imports (next_fetch_at) WHERE active;

-- Which feed an event came from: an event the feed no longer lists is cancelled, never dropped.
ALTER TABLE events ADD COLUMN calendar_import_id uuid REFERENCES calendar_imports (id) ON DELETE SET NULL;
CREATE INDEX events_calendar_import ON events (calendar_import_id) WHERE calendar_import_id IS NOT NULL;
