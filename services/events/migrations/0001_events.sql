-- Events: the learning community's program — meetings, discussions, sessions, study visits.

-- Local copies of what the registry owns, fed by registry.* messages (never read across schemas).
-- A copy carries the registry's version so that a late, older message never overwrites a newer one.
CREATE TABLE organizations (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    country    char(2) NOT NULL,
    roles      text[] NOT NULL DEFAULT '{}',
    status     text NOT NULL,
    version    integer NOT NULL,
    copied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE people (
    id                 uuid PRIMARY KEY,
    full_name          text NOT NULL,
    time_zone          text NOT NULL,
    preferred_language text NOT NULL,
    status             text NOT NULL,
    version            integer NOT NULL,
    copied_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    person_id       uuid NOT NULL,
    kind            text NOT NULL,
    is_admin        boolean NOT NULL,
    status          text NOT NULL,
    copied_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX memberships_person ON memberships (person_id, organization_id);

CREATE TABLE series (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title       jsonb NOT NULL,               -- {"tr": "...", "en": "..."}
    description jsonb NOT NULL DEFAULT '{}',
    kind        text,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_order ON series (created_at, id);

CREATE TABLE topics (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title           jsonb NOT NULL,
    description     jsonb NOT NULL DEFAULT '{}',
    tags            text[] NOT NULL DEFAULT '{}',
    organization_id uuid NOT NULL,            -- the proposing organization
    proposed_by     text NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'scheduled', 'closed')),
    votes           integer NOT NULL DEFAULT 0 CHECK (votes >= 0),
    event_id        uuid,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX topics_order ON topics (created_at, id);
CREATE INDEX topics_ranking ON topics (votes DESC, created_at, id);

-- One vote per organization per topic: the primary key is the rule.
CREATE TABLE topic_votes (
    topic_id        uuid NOT NULL REFERENCES topics (id),
    organization_id uuid NOT NULL,
    voted_by        text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic_id, organization_id)
);

CREATE TABLE events (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    series_id              uuid REFERENCES series (id),
    topic_id               uuid REFERENCES topics (id),
    kind                   text NOT NULL CHECK (kind IN ('organizational_meeting', 'civil_space_discussion',
                                 'information_session', 'thematic_meeting', 'study_visit')),
    format                 text NOT NULL CHECK (format IN ('in_person', 'online', 'hybrid')),
    title                  jsonb NOT NULL,
    description            jsonb NOT NULL DEFAULT '{}',
    languages              text[] NOT NULL DEFAULT '{}',
    starts_at              timestamptz NOT NULL,
    ends_at                timestamptz NOT NULL,
    time_zone              text NOT NULL,
    display_time_zones     text[] NOT NULL DEFAULT '{}',
    venue                  jsonb,
    online_url             text,
    organizer_ids          uuid[] NOT NULL CHECK (cardinality(organizer_ids) > 0),
    host_id                uuid,
    partner_ids            uuid[] NOT NULL DEFAULT '{}',
    invited_ids            uuid[] NOT NULL DEFAULT '{}',
    speakers               jsonb NOT NULL DEFAULT '[]',
    topics                 text[] NOT NULL DEFAULT '{}',
    capacity               integer CHECK (capacity > 0),
    registration_opens_at  timestamptz,
    registration_closes_at timestamptz,
    visibility             text NOT NULL CHECK (visibility IN ('public', 'members', 'invitation')),
    status                 text NOT NULL DEFAULT 'draft'
                               CHECK (status IN ('draft', 'scheduled', 'rescheduled', 'completed', 'cancelled')),
    sequence               integer NOT NULL DEFAULT 0,   -- raised on every reschedule
    registered_count       integer NOT NULL DEFAULT 0,
    waitlist_count         integer NOT NULL DEFAULT 0,
    cancel_reason          text,
    created_by             text NOT NULL,
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    cancelled_at           timestamptz,
    completed_at           timestamptz,
    CHECK (ends_at > starts_at),
    CHECK (capacity IS NULL OR registered_count <= capacity)
);
CREATE INDEX events_order ON events (starts_at, id);
CREATE INDEX events_series ON events (series_id, starts_at, id);
CREATE INDEX events_kind ON events (kind, starts_at, id);
CREATE INDEX events_organizers ON events USING gin (organizer_ids);
CREATE INDEX events_topics ON events USING gin (topics);
-- The completion timer looks for events that have ended and are still open.
CREATE INDEX events_open_by_end ON events (ends_at) WHERE status IN ('scheduled', 'rescheduled');

CREATE TABLE registrations (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id        uuid NOT NULL REFERENCES events (id),
    person_id       uuid NOT NULL,
    organization_id uuid NOT NULL,
    status          text NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
    arrival         bigint GENERATED ALWAYS AS IDENTITY,  -- the waitlist's order
    attendance      text CHECK (attendance IN ('attended', 'no_show')),
    registered_by   text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    promoted_at     timestamptz,
    cancelled_at    timestamptz
);
-- A person holds at most one live registration per event.
CREATE UNIQUE INDEX registrations_live ON registrations (event_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_event ON registrations (event_id, status, arrival);
CREATE INDEX registrations_person ON registrations (person_id, status);

CREATE TABLE feedback (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id         uuid NOT NULL REFERENCES events (id),
    person_id        uuid NOT NULL,
    rating           smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment          text,
    consent_to_quote boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, person_id)
);

-- The on-the-job learning program: a participant from a home organization at a host organization.
CREATE TABLE placements (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    participant_id       uuid NOT NULL,
    home_organization_id uuid NOT NULL,
    host_organization_id uuid NOT NULL,
    event_id             uuid REFERENCES events (id),
    starts_on            date NOT NULL,
    ends_on              date NOT NULL,
    goals                text NOT NULL,
    status               text NOT NULL DEFAULT 'proposed'
                             CHECK (status IN ('proposed', 'confirmed', 'in_progress', 'completed', 'cancelled')),
    created_by           text NOT NULL,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on),
    CHECK (home_organization_id <> host_organization_id)
);
CREATE INDEX placements_order ON placements (starts_on, id);
CREATE INDEX placements_participant ON placements (participant_id);
