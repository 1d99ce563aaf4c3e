"""The registry's worker: it consumes nothing (it is the source of its facts); it relays its
outbox to the bus, sends sign-in emails the moment they are asked for, and forgets what expired."""
from __future__ import annotations

from shared.config import Settings
from shared.db import open_pool
from shared.worker import Worker
from services.registry import NAME, mail
from services.registry.operations import sign_in
from services.registry.subscriptions import subscriptions

SIGN_IN_MAIL_SECONDS = 0.5
PRUNE_SECONDS = 3600.0


def create_worker(settings: Settings, pool=None) -> Worker:
    sign_in.keyed(settings, "check")  # refuse to start without the secret that keys sign-in codes
    return Worker(settings, NAME, pool or open_pool(settings, NAME), subscriptions(settings),
                  timers=[(SIGN_IN_MAIL_SECONDS, lambda p: mail.send_due(p, settings)),
                          (PRUNE_SECONDS, lambda p: prune(p, settings))])


def prune(pool, settings: Settings) -> None:
    """Sign-in requests a day past their expiry."""
    with pool.connection() as conn, conn.cursor() as cur:
        sign_in.prune(cur)
