"""The registry's worker: it consumes nothing, it relays its outbox to the bus."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.registry import NAME
from services.registry.subscriptions import subscriptions


def create_worker(settings: Settings, pool=None) -> Worker:
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings))
