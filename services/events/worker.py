"""The events worker: relays its outbox, keeps its copies of the registry, completes ended events,
imports partners' iCalendar feeds."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.events import NAME, imports, rules
from services.events.subscriptions import subscriptions

COMPLETION_SECONDS = 30.0


def create_worker(settings: Settings, pool=None) -> Worker:
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings),
                  timers=[(COMPLETION_SECONDS, rules.complete_ended),
                          (imports.CHECK_SECONDS, lambda p: imports.fetch_due(p, settings))])
