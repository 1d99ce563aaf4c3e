-- People sign in: the registry is the community's OpenID Connect provider.

-- Signing keys. A key is published (`next`) before it signs (`active`), and kept (`retired`) until
-- the last token it signed has expired. The private key is stored encrypted with
-- BIRLIKTE_KEY_ENCRYPTION_KEY (Fernet), never in clear.
CREATE TABLE signing_keys (
    kid          text PRIMARY KEY,
    public_jwk   jsonb NOT NULL,
    private_key  bytea NOT NULL,
    state        text NOT NULL CHECK (state IN ('next', 'active', 'retired')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    retired_at   timestamptz,
    expires_at   timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'active';
CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';

-- The platform's own clients: the web app (confidential) and native or command-line apps (public,
-- PKCE only). Partner organizations' systems stay in api_clients (client credentials).
CREATE TABLE first_party_clients (
    client_id                 text PRIMARY KEY,
    name                      text NOT NULL,
    secret_hash               text,
    redirect_uris             text[] NOT NULL,
    post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
    scopes                    text[] NOT NULL,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);

-- Sign-in by email. The worker makes the code and the link when it sends them; only their keyed
-- hashes are kept. A request for an address no one has is kept too (no person, nothing sent), so
-- that the answer and its timing say nothing about which addresses are known.
CREATE TABLE sign_in_requests (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id   uuid REFERENCES people (id),
    language    text NOT NULL,
    continue_to text,
    code_hash   text,
    link_hash   text UNIQUE,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'used', 'locked', 'dropped')),
    attempts    integer NOT NULL DEFAULT 0,
    claimed_at  timestamptz,
    sent_at     timestamptz,
    used_at     timestamptz,
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_requests_due ON sign_in_requests (created_at) WHERE status = 'pending';
CREATE INDEX sign_in_requests_claimed ON sign_in_requests (claimed_at) WHERE status = 'sending';
CREATE INDEX sign_in_requests_expired ON sign_in_requests (expires_at);

-- A person signed in on a device. The browser holds the id and a secret; only the secret's hash is here.
CREATE TABLE sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    secret_hash  text NOT NULL,
    person_id    uuid NOT NULL REFERENCES people (id),
    amr          text[] NOT NULL,
    auth_time    timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    user_agent   text,
    address      text,
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    ended_reason text
);
CREATE INDEX sessions_person ON sessions (person_id, last_seen_at DESC) WHERE ended_at IS NULL;

CREATE TABLE authorization_codes (
    code_hash             text PRIMARY KEY,
    client_id             text NOT NULL,
    session_id            uuid NOT NULL REFERENCES sessions (id),
    person_id             uuid NOT NULL REFERENCES people (id),
    redirect_uri          text NOT NULL,
    scope                 text NOT NULL,
    nonce                 text,
    code_challenge        text NOT NULL,
    code_challenge_method text NOT NULL,
    expires_at            timestamptz NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens rotate: each use makes a new one. A used one presented again is a replay, and
-- ends the whole session.
CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash text NOT NULL UNIQUE,
    session_id uuid NOT NULL REFERENCES sessions (id),
    client_id  text NOT NULL,
    person_id  uuid NOT NULL REFERENCES people (id),
    scope      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Platform roles, granted and withdrawn by coordinators: every grant is kept, with who and when.
CREATE TABLE role_grants (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id    uuid NOT NULL REFERENCES people (id),
    role         text NOT NULL CHECK (role IN ('coordinator')),
    status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    granted_by   text NOT NULL,
    granted_at   timestamptz NOT NULL DEFAULT now(),
    withdrawn_by text,
    withdrawn_at timestamptz,
    version      integer NOT NULL DEFAULT 1,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX role_grants_live ON role_grants (person_id, role) WHERE status = 'active';
CREATE INDEX role_grants_person ON role_grants (person_id, granted_at);
