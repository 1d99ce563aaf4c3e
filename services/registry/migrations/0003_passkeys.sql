-- Passkeys (WebAuthn): a person signs in with a key their device or security key holds, instead of
-- an emailed code. Only the public key is here; the private key never leaves the authenticator.
CREATE TABLE passkeys (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id     uuid NOT NULL REFERENCES people (id),
    credential_id bytea NOT NULL UNIQUE,
    public_key    bytea NOT NULL,  -- COSE_Key, as the authenticator gave it
    sign_count    bigint NOT NULL DEFAULT 0,
    transports    text[] NOT NULL DEFAULT '{}',
    synced        boolean NOT NULL DEFAULT false,  -- a multi-device passkey (backed up by its provider)
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX passkeys_person ON passkeys (person_id, created_at);

-- A ceremony in progress: the challenge the browser's authenticator must sign. The browser holds
-- only this row's id (in its signed session cookie); a challenge is used once, then deleted.
CREATE TABLE passkey_challenges (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    purpose    text NOT NULL CHECK (purpose IN ('register', 'sign_in')),
    person_id  uuid REFERENCES people (id),  -- who is adding a passkey; none for a sign-in
    challenge  bytea NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX passkey_challenges_expired ON passkey_challenges (expires_at);
