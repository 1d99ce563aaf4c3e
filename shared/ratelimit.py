"""Rate limits shared by every process of a service: hits counted per key in fixed windows, in the
service's own PostgreSQL (`rate_limits`), so that two API processes give an attacker no more tries
than one. Counting commits on its own connection: a refused request's hit still counts.

A limit looks at a sliding window: this window's hits plus the previous window's, weighted by how
much of it still overlaps the last `window_seconds` — so that a burst at the end of one window and
another at the start of the next do not pass as two separate allowances."""
from __future__ import annotations

import math
from datetime import datetime, timezone

from shared.errors import TooManyRequests

COUNT = """INSERT INTO rate_limits (key, window_start, hits) VALUES (%s, to_timestamp(%s), 1)
           ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1"""
READ = """SELECT COALESCE(SUM(hits) FILTER (WHERE window_start = to_timestamp(%(start)s)), 0) AS current,
                 COALESCE(SUM(hits) FILTER (WHERE window_start = to_timestamp(%(previous)s)), 0) AS previous
          FROM rate_limits WHERE key = %(key)s AND window_start >= to_timestamp(%(previous)s)"""


def hit(pool, key: str, limit: int, window_seconds: int, *, now: datetime | None = None) -> None:
    """Count one hit of `key`; TooManyRequests once more than `limit` came in the sliding window."""
    _limit(pool, key, limit, window_seconds, now, count=True, allowed=lambda seen: seen <= limit)


def check(pool, key: str, limit: int, window_seconds: int, *, now: datetime | None = None) -> None:
    """TooManyRequests when `key` has had `limit` hits in the sliding window already; counts nothing."""
    _limit(pool, key, limit, window_seconds, now, count=False, allowed=lambda seen: seen < limit)


def _limit(pool, key, limit, window_seconds, now, *, count: bool, allowed) -> None:
    now = now or datetime.now(timezone.utc)
    start = math.floor(now.timestamp() / window_seconds) * window_seconds
    with pool.connection() as conn:
        if count:
            conn.execute(COUNT, (key, start))
        row = conn.execute(READ, {"key": key, "start": start, "previous": start - window_seconds}).fetchone()
    overlap = 1 - (now.timestamp() - start) / window_seconds
    seen = row["current"] + row["previous"] * overlap
    if not allowed(seen):
        raise TooManyRequests(max(1, math.ceil(start + window_seconds - now.timestamp())))


def prune(pool, older_than_seconds: int = 86400) -> int:
    """Forget windows long past (a worker's timer)."""
    with pool.connection() as conn:
        return conn.execute("DELETE FROM rate_limits WHERE window_start < now() - make_interval(secs => %s)",
                            (older_than_seconds,)).rowcount
