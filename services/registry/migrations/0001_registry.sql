-- The registry: who is in the learning community and how they are connected.

-- The key names are compared by: case, spacing and Turkish dotted/dotless i do not make a new name
-- ("DAYANIŞMA DERNEĞI" is "Dayanışma Derneği").
CREATE FUNCTION name_key(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(translate(btrim(regexp_replace(name, '\s+', ' ', 'g')), 'İIı', 'iii'));

CREATE TABLE organizations (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name           text NOT NULL,
    kind           text NOT NULL,
    country        char(2) NOT NULL,
    city           text,
    languages      text[] NOT NULL DEFAULT '{}',
    website        text,
    email          text,
    phone          text,
    description    text,
    focus_areas    text[] NOT NULL DEFAULT '{}',
    roles          text[] NOT NULL DEFAULT '{participant}',
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    name_search    tsvector GENERATED ALWAYS AS (to_tsvector('simple', name)) STORED
);
-- Two organizations of one country may not share a name, whatever the letter case.
CREATE UNIQUE INDEX organizations_name_country ON organizations (name_key(name), country);
CREATE INDEX organizations_order ON organizations (name, id);
CREATE INDEX organizations_focus ON organizations USING gin (focus_areas);
CREATE INDEX organizations_roles ON organizations USING gin (roles);
CREATE INDEX organizations_search ON organizations USING gin (name_search);

CREATE TABLE people (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    full_name          text NOT NULL,
    email              text NOT NULL,
    phone              text,
    preferred_language text NOT NULL DEFAULT 'tr' CHECK (preferred_language IN ('tr', 'en')),
    time_zone          text NOT NULL DEFAULT 'Europe/Istanbul',
    consent_contact    boolean NOT NULL DEFAULT false,
    consent_recording  boolean NOT NULL DEFAULT false,
    status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    deactivated_at     timestamptz,
    name_search        tsvector GENERATED ALWAYS AS (to_tsvector('simple', full_name)) STORED
);
CREATE UNIQUE INDEX people_email ON people (lower(email));
CREATE INDEX people_order ON people (full_name, id);
CREATE INDEX people_search ON people USING gin (name_search);

CREATE TABLE memberships (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    person_id       uuid NOT NULL REFERENCES people (id),
    kind            text NOT NULL CHECK (kind IN ('member', 'employee', 'volunteer', 'board', 'contact')),
    is_admin        boolean NOT NULL DEFAULT false,
    title           text,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    started_on      date NOT NULL DEFAULT current_date,
    ended_at        timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX memberships_active ON memberships (organization_id, person_id, kind) WHERE status = 'active';
CREATE INDEX memberships_person ON memberships (person_id);
CREATE INDEX memberships_order ON memberships (created_at, id);

CREATE TABLE partnerships (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    partner_id      uuid NOT NULL REFERENCES organizations (id),
    kind            text NOT NULL CHECK (kind IN ('peer', 'study_visit_host', 'program_partner', 'joint_project')),
    description     text,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    started_on      date NOT NULL DEFAULT current_date,
    ended_at        timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (organization_id <> partner_id)
);
CREATE UNIQUE INDEX partnerships_active ON partnerships (organization_id, partner_id, kind) WHERE status = 'active';
CREATE INDEX partnerships_partner ON partnerships (partner_id);
CREATE INDEX partnerships_order ON partnerships (created_at, id);

-- OAuth2 clients of partner organizations; only a hash of the secret is kept.
CREATE TABLE api_clients (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id       text NOT NULL UNIQUE,
    secret_hash     text NOT NULL,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    name            text NOT NULL,
    scopes          text[] NOT NULL,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    created_by      text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);
CREATE INDEX api_clients_org ON api_clients (organization_id, created_at, id);
