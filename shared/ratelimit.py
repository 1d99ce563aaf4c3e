"""Rate limits shared by every process of a service: hits counted per key in fixed windows, in the
service's own PostgreSQL (`rate_limits`), so that two API processes give an attacker no more tries
than one. Counting commits on its own connection: a refused request's hit still counts."""
from __future__ import annotations

import math
from datetime import datetime, timezone

from shared.errors import TooManyRequests


def hit(pool, key: str, limit: int, window_seconds: int, *, now: datetime | None = None) -> None:
    """Count one hit of `key`; TooManyRequests once more than `limit` came in this window."""
    now = now or datetime.now(timezone.utc)
    start = math.floor(now.timestamp() / window_seconds) * window_seconds
    with pool.connection() as conn:
        hits = conn.execute(
            """INSERT INTO rate_limits (key, window_start, hits) VALUES (%s, to_timestamp(%s), 1)
               ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
               RETURNING hits""", (key, start)).fetchone()["hits"]
    if hits > limit:
        raise TooManyRequests(max(1, math.ceil(start + window_seconds - now.timestamp())))


def prune(pool, older_than_seconds: int = 86400) -> int:
    """Forget windows long past (a worker's timer)."""
    with pool.connection() as conn:
        return conn.execute("DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => %s)",
                            (older_than_seconds,)).rowcount
