"""Readiness checks of the parts a service cannot work without."""
from __future__ import annotations

from kombu import Connection

from shared.config import Settings


def broker_problem(settings: Settings) -> str | None:
    """None when the broker answers, else a short reason."""
    if settings.broker_url.startswith("memory://"):
        return None
    try:
        with Connection(settings.broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return None
    except Exception as exc:  # kombu raises many kinds; all mean "not reachable"
        return f"{type(exc).__name__}: {exc}"[:200]
