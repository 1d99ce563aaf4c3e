"""The outbox relay: committed messages reach RabbitMQ, in order, each marked only once confirmed.

Woken by LISTEN/NOTIFY when a transaction commits outbox rows, polling as a fallback. Rows are
claimed with FOR UPDATE SKIP LOCKED, so several relays of one service can run side by side.
A broker outage only delays publishing: rows stay pending and the relay reconnects with backoff.
"""
from __future__ import annotations

import logging
import threading

import psycopg
from psycopg import sql

from shared.bus.publisher import make_publisher
from shared.config import Settings
from shared.db import connect

log = logging.getLogger(__name__)
RETENTION = "7 days"

CLAIM = """
SELECT id, message_id, routing_key, envelope::text AS body, envelope->>'correlationid' AS correlation_id
FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
"""


class Relay:
    def __init__(self, settings: Settings, service: str, pool):
        self.settings, self.service, self.pool = settings, service, pool
        self.publisher = make_publisher(settings)

    def publish_pending(self) -> int:
        """One pass over at most relay_batch pending rows; returns how many were confirmed."""
        failure = None
        with self.pool.connection() as conn:
            with conn.transaction():
                rows = conn.execute(CLAIM, (self.settings.relay_batch,)).fetchall()
                if not rows:
                    return 0
                try:
                    confirmed, nacked = self.publisher.publish(rows)
                except Exception as exc:  # recorded on the rows, then raised for the caller's backoff
                    self.publisher.close()
                    failure, confirmed, nacked = exc, [], [r["id"] for r in rows]
                if confirmed:
                    conn.execute("UPDATE outbox SET published_at = now(), attempts = attempts + 1 "
                                 "WHERE id = ANY(%s)", (confirmed,))
                if nacked:
                    self._record_failure(conn, nacked, failure or "nacked by the broker")
        if failure is not None:
            raise failure
        return len(confirmed)

    def _record_failure(self, conn, ids: list[int], error) -> None:
        conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = %s WHERE id = ANY(%s)",
                     (str(error)[:500], ids))

    def drain(self) -> int:
        """Publish until nothing is pending (tests, benchmarks, shutdown)."""
        total = 0
        while (count := self.publish_pending()):
            total += count
        return total

    def cleanup(self) -> int:
        with self.pool.connection() as conn:
            return conn.execute("DELETE FROM outbox WHERE published_at < now() - %s::interval",
                                (RETENTION,)).rowcount

    def run(self, stop: threading.Event) -> None:
        backoff, listener = 0.5, None
        while not stop.is_set():
            try:
                listener = listener or self._listen()
                if self.publish_pending() >= self.settings.relay_batch:
                    continue  # more is waiting: no need to sleep
                backoff = 0.5
                self._wait(listener, stop)
            except Exception as exc:  # broker or database down: keep the rows, retry later
                log.warning("relay pass failed; retrying in %.1fs", backoff, extra={"error": str(exc)[:300]})
                if isinstance(exc, psycopg.Error) and listener is not None:
                    listener.close()
                    listener = None
                stop.wait(backoff)
                backoff = min(backoff * 2, 30)
        self.publisher.close()
        if listener is not None:
            listener.close()

    def _listen(self) -> psycopg.Connection:
        conn = connect(self.settings, self.service, autocommit=True)
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(f"{self.service}_outbox")))
        return conn

    def _wait(self, listener: psycopg.Connection, stop: threading.Event) -> None:
        """Until a commit notifies us, the poll interval passes, or we are asked to stop."""
        waited, step = 0.0, min(self.settings.relay_poll_seconds, 0.5)
        while waited < self.settings.relay_poll_seconds and not stop.is_set():
            for _ in listener.notifies(timeout=step, stop_after=1):
                return
            waited += step
