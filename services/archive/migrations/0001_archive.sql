-- The archive: what the community recorded, published and shared.

-- Copies of what the registry and events say, fed by their messages.
CREATE TABLE people (
    id                uuid PRIMARY KEY,
    full_name         text NOT NULL,
    consent_recording boolean NOT NULL,
    status            text NOT NULL,
    version           integer NOT NULL
);

CREATE TABLE events (
    id            uuid PRIMARY KEY,
    title         jsonb NOT NULL,
    kind          text NOT NULL,
    format        text NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    status        text NOT NULL,
    visibility    text NOT NULL,
    organizer_ids uuid[] NOT NULL,
    topics        text[] NOT NULL DEFAULT '{}',
    version       integer NOT NULL
);

CREATE TABLE registrations (
    id        uuid PRIMARY KEY,
    event_id  uuid NOT NULL,
    person_id uuid NOT NULL,
    status    text NOT NULL
);
CREATE INDEX registrations_person ON registrations (person_id, event_id) WHERE status = 'registered';

-- The text search configuration of each language an item can be in.
CREATE FUNCTION search_config(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE language WHEN 'tr' THEN 'turkish'::regconfig WHEN 'en' THEN 'english'::regconfig
                         ELSE 'simple'::regconfig END;

CREATE FUNCTION texts_of(value jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(value->>'tr', '') || ' ' || coalesce(value->>'en', '');

-- array_to_string is only STABLE in general; on text[] it cannot change, which a generated column needs.
CREATE FUNCTION tags_of(tags text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN array_to_string(tags, ' ');

CREATE TABLE items (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    type             text NOT NULL CHECK (type IN ('recording', 'publication', 'material', 'link')),
    media            text CHECK (media IN ('video', 'audio')),
    title            jsonb NOT NULL,
    description      jsonb NOT NULL DEFAULT '{}',
    language         text NOT NULL,
    published_on     date,
    topics           text[] NOT NULL DEFAULT '{}',
    event_ids        uuid[] NOT NULL DEFAULT '{}',
    organization_ids uuid[] NOT NULL DEFAULT '{}',
    speakers         jsonb NOT NULL DEFAULT '[]',
    license          text,
    external_url     text,
    visibility       text NOT NULL CHECK (visibility IN ('public', 'members', 'participants')),
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
    file_key         text,
    file_name        text,
    file_size        bigint,
    file_sha256      text,
    content_type     text,
    created_by       text NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    published_at     timestamptz,
    withdrawn_at     timestamptz,
    -- Each item is indexed with its own language's stemming ("örgütlerin" finds "örgüt").
    search           tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector(search_config(language), texts_of(title)), 'A') ||
                         setweight(to_tsvector(search_config(language), texts_of(description)), 'B') ||
                         setweight(to_tsvector('simple', tags_of(topics)), 'C')) STORED
);
CREATE INDEX items_search ON items USING gin (search);
CREATE INDEX items_order ON items (created_at, id);
CREATE INDEX items_events ON items USING gin (event_ids);
CREATE INDEX items_topics ON items USING gin (topics);
-- One automatic draft recording per event (made when an online event completes).
CREATE UNIQUE INDEX items_event_recording ON items ((event_ids[1])) WHERE type = 'recording' AND created_by = 'events';

CREATE TABLE captions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    item_id      uuid NOT NULL REFERENCES items (id),
    language     text NOT NULL,
    kind         text NOT NULL DEFAULT 'captions' CHECK (kind IN ('captions', 'transcript')),
    file_key     text NOT NULL,
    file_size    bigint NOT NULL,
    file_sha256  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (item_id, language, kind)
);
