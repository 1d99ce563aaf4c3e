"""The notifications worker: consumes registry, events and archive messages, fires reminders,
sends emails and digests, delivers webhooks, relays its own outbox."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.notifications import NAME, unsubscribe
from services.notifications.operations import deliveries, digests, emails, reminders
from services.notifications.subscriptions import subscriptions

SEND_SECONDS = 0.5
REMINDER_SECONDS = 15.0
WEBHOOK_SECONDS = 0.5
DIGEST_SECONDS = 300.0


def create_worker(settings: Settings, pool=None) -> Worker:
    unsubscribe.require_secret(settings)
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings),
                  timers=[(SEND_SECONDS, lambda p: emails.send_due(p, settings)),
                          (REMINDER_SECONDS, lambda p: reminders.fire_due(p, settings)),
                          (WEBHOOK_SECONDS, lambda p: deliveries.deliver_due(p, settings)),
                          (DIGEST_SECONDS, lambda p: digests.send_digests(p, settings))])
