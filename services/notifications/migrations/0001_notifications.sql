-- Notifications: who is told what, how, in which language — once.

-- People as the registry describes them, with the preferences they set here.
CREATE TABLE recipients (
    id                 uuid PRIMARY KEY,
    full_name          text NOT NULL,
    email              text NOT NULL,
    language           text NOT NULL CHECK (language IN ('tr', 'en')),
    time_zone          text NOT NULL,
    consent_contact    boolean NOT NULL,      -- false: in-app only, never an email
    status             text NOT NULL,
    version            integer NOT NULL,      -- the registry's version of the person
    channels           text[] NOT NULL DEFAULT '{email,in_app}',
    digest             text NOT NULL DEFAULT 'immediate' CHECK (digest IN ('immediate', 'daily')),
    followed_topics    text[] NOT NULL DEFAULT '{}',
    followed_series    uuid[] NOT NULL DEFAULT '{}',
    muted_kinds        text[] NOT NULL DEFAULT '{}',
    preferences_version integer NOT NULL DEFAULT 1,
    last_digest_on     date,
    copied_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recipients_topics ON recipients USING gin (followed_topics);
CREATE INDEX recipients_series ON recipients USING gin (followed_series);

CREATE TABLE memberships (
    id              uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    person_id       uuid NOT NULL,
    is_admin        boolean NOT NULL,
    status          text NOT NULL
);
CREATE INDEX memberships_organization ON memberships (organization_id) WHERE status = 'active';

-- Events and registrations as the events service announces them.
CREATE TABLE events (
    id            uuid PRIMARY KEY,
    title         jsonb NOT NULL,
    kind          text NOT NULL,
    format        text NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    time_zone     text NOT NULL,
    status        text NOT NULL,
    visibility    text NOT NULL,
    online_url    text,
    topics        text[] NOT NULL DEFAULT '{}',
    series_id     uuid,
    organizer_ids uuid[] NOT NULL DEFAULT '{}',
    partner_ids   uuid[] NOT NULL DEFAULT '{}',
    sequence      integer NOT NULL,
    version       integer NOT NULL
);

CREATE TABLE registrations (
    id         uuid PRIMARY KEY,
    event_id   uuid NOT NULL,
    person_id  uuid NOT NULL,
    status     text NOT NULL,
    attendance text
);
CREATE INDEX registrations_event ON registrations (event_id, status);

-- One row per recipient, kind and channel; the dedup key makes a redelivered message a no-op.
CREATE TABLE notifications (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dedup_key       text NOT NULL UNIQUE,
    recipient_id    uuid NOT NULL,
    kind            text NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('email', 'in_app')),
    language        text NOT NULL,
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text,
    event_id        uuid,
    status          text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested', 'stored')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    message_id      text,
    read_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_claimed ON notifications (claimed_at) WHERE status = 'sending';
CREATE INDEX notifications_held ON notifications (recipient_id) WHERE status = 'held';
CREATE INDEX notifications_inbox ON notifications (recipient_id, created_at, id) WHERE channel = 'in_app';
CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE channel = 'in_app' AND read_at IS NULL;

CREATE TABLE delivery_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES notifications (id),
    attempted_at    timestamptz NOT NULL DEFAULT now(),
    outcome         text NOT NULL CHECK (outcome IN ('sent', 'failed')),
    detail          text
);
CREATE INDEX delivery_attempts_notification ON delivery_attempts (notification_id);

-- Reminders before an event, per registration; moved on reschedule, dropped on cancellation.
CREATE TABLE reminders (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    registration_id uuid NOT NULL,
    event_id        uuid NOT NULL,
    person_id       uuid NOT NULL,
    lead            text NOT NULL CHECK (lead IN ('24h', '1h')),
    due_at          timestamptz NOT NULL,
    event_sequence  integer NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'dropped')),
    fired_at        timestamptz,
    UNIQUE (registration_id, lead)
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE status = 'pending';
CREATE INDEX reminders_event ON reminders (event_id) WHERE status = 'pending';

-- Partner organizations' webhooks (Standard Webhooks).
CREATE TABLE webhook_subscriptions (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id      uuid NOT NULL,
    url                  text NOT NULL,
    event_types          text[] NOT NULL,
    secret               text NOT NULL,        -- whsec_… shown once to its owner
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    consecutive_failures integer NOT NULL DEFAULT 0,
    created_by           text NOT NULL,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    disabled_at          timestamptz,
    disabled_reason      text
);
CREATE INDEX webhook_subscriptions_org ON webhook_subscriptions (organization_id, created_at, id);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id),
    webhook_id       text NOT NULL,         -- the webhook-id header: the source message's id
    event_type       text NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    claimed_at       timestamptz,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (subscription_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at, id);

CREATE TABLE webhook_attempts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id   uuid NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    status_code   integer,
    error         text,
    duration_ms   integer
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
