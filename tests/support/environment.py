"""Settings handed to a child process the way operators hand them: environment variables."""
from __future__ import annotations

import os

from shared.config import Settings


def as_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIRLIKTE_")}
    env.update({
        "BIRLIKTE_DATABASE_URL": settings.database_url,
        "BIRLIKTE_BROKER_URL": settings.broker_url,
        "BIRLIKTE_BUS_EXCHANGE": settings.bus_exchange,
        "BIRLIKTE_BUS_QUEUE_PREFIX": settings.bus_queue_prefix,
        "BIRLIKTE_BUS_RETRY_DELAYS": ",".join(str(d) for d in settings.bus_retry_delays),
        "BIRLIKTE_RELAY_POLL_SECONDS": str(settings.relay_poll_seconds),
        "BIRLIKTE_LOG_FORMAT": settings.log_format,
    })
    if settings.jwt_private_key:
        env["BIRLIKTE_JWT_PRIVATE_KEY"] = settings.jwt_private_key
    if settings.jwt_public_key:
        env["BIRLIKTE_JWT_PUBLIC_KEY"] = settings.jwt_public_key
    return env
