"""The archive worker: relays its outbox and keeps its copies of people, events and registrations."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.archive import NAME
from services.archive.subscriptions import subscriptions


def create_worker(settings: Settings, pool=None) -> Worker:
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings))
