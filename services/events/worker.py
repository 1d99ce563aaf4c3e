"""The events worker: relays its outbox, keeps its copies of the registry, completes ended events,
imports partners' iCalendar feeds."""
from __future__ import annotations

from shared import leases
from shared.auth.principal import Principal
from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.events import NAME, imports
from services.events.operations import events
from services.events.subscriptions import subscriptions

COMPLETION_SECONDS = 30.0
COMPLETION_BATCH = 100
COMPLETION = Principal.system("completion")
ENDED = leases.Due("events", when="status IN ('scheduled', 'rescheduled') AND ends_at <= now()", order="ends_at")


def create_worker(settings: Settings, pool=None) -> Worker:
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings),
                  timers=[(COMPLETION_SECONDS, complete_ended),
                          (imports.CHECK_SECONDS, lambda p: imports.fetch_due(p, settings))])


def complete_ended(pool) -> int:
    """Mark every open event that has ended as completed and say so; safe with several workers."""
    return leases.drain(pool, ENDED, lambda cur, ended: events.complete(cur, COMPLETION, ended),
                        batch=COMPLETION_BATCH)
