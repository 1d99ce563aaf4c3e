-- Webhook deliveries claimed by a worker: found quickly when a dead worker's lease runs out.
CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (claimed_at) WHERE status = 'sending';
