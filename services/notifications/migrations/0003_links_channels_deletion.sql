-- Where each notification leads in the web app (its email links there too); none for older rows.
ALTER TABLE notifications ADD COLUMN link text;

-- The channels a person wants for one kind, where they differ from their `channels`: {"reminder": ["in_app"]}.
ALTER TABLE recipients ADD COLUMN kind_channels jsonb NOT NULL DEFAULT '{}';

-- A deleted webhook subscription is kept (its delivery log refers to it) but shown to no one and
-- delivered to never; its secret is wiped.
ALTER TABLE webhook_subscriptions DROP CONSTRAINT webhook_subscriptions_status_check,
    ADD CONSTRAINT webhook_subscriptions_status_check CHECK (status IN ('active', 'disabled', 'deleted')),
    ADD COLUMN deleted_at timestamptz;
