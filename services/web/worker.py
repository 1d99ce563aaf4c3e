"""The web app's worker: it publishes and consumes nothing; it forgets sessions that have expired."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.web import NAME
from services.web.operations import sessions
from services.web.subscriptions import subscriptions

PRUNE_SECONDS = 3600.0


def create_worker(settings: Settings, pool=None) -> Worker:
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings),
                  timers=[(PRUNE_SECONDS, prune)])


def prune(pool) -> int:
    with pool.connection() as conn, conn.cursor() as cur:
        return sessions.prune(cur)
