"""The notifications worker: consumes registry and events messages, fires reminders, sends
emails and digests, delivers webhooks, relays its own outbox."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.notifications import NAME, digest, reminders, sender, unsubscribe, webhooks
from services.notifications.subscriptions import subscriptions

SEND_SECONDS = 0.5
REMINDER_SECONDS = 15.0
WEBHOOK_SECONDS = 0.5
DIGEST_SECONDS = 300.0


def create_worker(settings: Settings, pool=None) -> Worker:
    unsubscribe.token(settings, "check", "check")  # refuse to start without the signing secret
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings),
                  timers=[(SEND_SECONDS, lambda p: sender.send_due(p, settings)),
                          (REMINDER_SECONDS, lambda p: reminders.fire_due(p, settings)),
                          (WEBHOOK_SECONDS, lambda p: webhooks.deliver_due(p, settings)),
                          (DIGEST_SECONDS, lambda p: digest.send_digests(p, settings))])
