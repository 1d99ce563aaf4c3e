-- A person's account: joining an organization needs their consent, their email address changes only
-- once the new address confirmed a code, and the registry's own account emails (welcome, invitation,
-- notice of a changed address) go out from its worker.

-- A membership that an organization's admin asks for, of a person who is not in that organization
-- yet, is an invitation until the person accepts it (or declines it, or the admin withdraws it).
-- Only an active membership gives the organization any right over the person, and only an accepted
-- one goes on the bus (registry.membership.created).
ALTER TABLE memberships DROP CONSTRAINT memberships_status_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_status_check
    CHECK (status IN ('invited', 'active', 'declined', 'withdrawn', 'ended'));
ALTER TABLE memberships ADD COLUMN invited_by text, ADD COLUMN answered_at timestamptz;
DROP INDEX memberships_active;
CREATE UNIQUE INDEX memberships_live ON memberships (organization_id, person_id, kind)
    WHERE status IN ('invited', 'active');
CREATE INDEX memberships_invitations ON memberships (person_id, created_at, id) WHERE status = 'invited';

-- A change of a person's email address waits for the code sent to the new address. The worker makes
-- the code when it sends it; only its keyed hash is kept (BIRLIKTE_REGISTRY_SECRET). Five wrong codes
-- lock the change. One change at a time per person: a new one supersedes the one before.
CREATE TABLE email_changes (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    person_id    uuid NOT NULL REFERENCES people (id),
    new_email    text NOT NULL,
    requested_by text NOT NULL,
    code_hash    text,
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'confirmed', 'locked', 'superseded', 'cancelled')),
    attempts     integer NOT NULL DEFAULT 0,
    claimed_at   timestamptz,
    sent_at      timestamptz,
    confirmed_at timestamptz,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX email_changes_one_open ON email_changes (person_id) WHERE status IN ('pending', 'sending', 'sent');
CREATE INDEX email_changes_due ON email_changes (created_at) WHERE status = 'pending';
CREATE INDEX email_changes_claimed ON email_changes (claimed_at) WHERE status = 'sending';

-- The registry's other emails to a person: a welcome when someone registered them (once, a few
-- minutes later, and not at all if they signed in by then), an invitation to join an organization,
-- and a notice to the old address that the address was changed. Composed when sent, from the
-- records as they are then; `address` is where a notice goes (the old address), else the person's.
CREATE TABLE account_emails (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind          text NOT NULL CHECK (kind IN ('welcome', 'invitation', 'email_changed')),
    person_id     uuid NOT NULL REFERENCES people (id),
    membership_id uuid REFERENCES memberships (id),
    address       text,
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    send_after    timestamptz NOT NULL DEFAULT now(),
    claimed_at    timestamptz,
    sent_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'invitation' OR membership_id IS NOT NULL),
    CHECK (kind <> 'email_changed' OR address IS NOT NULL)
);
CREATE UNIQUE INDEX account_emails_one_welcome ON account_emails (person_id) WHERE kind = 'welcome';
CREATE UNIQUE INDEX account_emails_one_invitation ON account_emails (membership_id) WHERE kind = 'invitation';
CREATE INDEX account_emails_due ON account_emails (send_after) WHERE status = 'pending';
CREATE INDEX account_emails_claimed ON account_emails (claimed_at) WHERE status = 'sending';

-- Who holds a platform role now (the last coordinator is never withdrawn).
CREATE INDEX role_grants_holders ON role_grants (role) WHERE status = 'active';
