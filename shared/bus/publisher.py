"""Publishing a batch of outbox rows with publisher confirms taken in one window.

The whole batch is written to the socket, then the broker's acks are awaited by delivery tag
(one ack with multiple=True often covers many): one round trip per batch, not per message.
"""
from __future__ import annotations

import logging
import time

import amqp
from kombu import Connection, Producer

from shared.bus.envelope import CONTENT_TYPE
from shared.bus.topology import declare_exchange, is_memory
from shared.config import Settings

log = logging.getLogger(__name__)


class ConfirmTimeout(Exception):
    pass


class ConfirmingPublisher:
    """py-amqp channel in confirm mode; `publish(rows)` returns the ids the broker confirmed."""

    def __init__(self, settings: Settings, confirm_timeout: float = 10.0):
        self.settings = settings
        self.confirm_timeout = confirm_timeout
        self._conn: Connection | None = None
        self._channel = None

    def _open(self):
        if self._channel is None:
            self._conn = Connection(self.settings.broker_url, connect_timeout=5, heartbeat=0)
            self._conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            channel = self._conn.connection.channel()
            declare_exchange(channel, self.settings)
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            self._channel, self._next_tag = channel, 1
        return self._channel

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple, self._acked)

    def _on_nack(self, tag, multiple):
        self._settle(tag, multiple, self._nacked)

    def _settle(self, tag, multiple, into: set):
        if not multiple:
            if tag in self._pending:
                into.add(self._pending.pop(tag))
            return
        # Tags were added in increasing order: everything up to `tag` sits at the front.
        while self._pending:
            first = next(iter(self._pending))
            if first > tag:
                return
            into.add(self._pending.pop(first))

    def _on_return(self, exc, exchange, routing_key, message):
        log.debug("message unroutable: no queue is bound for it",
                    extra={"routing_key": routing_key, "message_id": message.properties.get("message_id")})

    def publish(self, rows: list[dict]) -> tuple[list[int], list[int]]:
        """Publish rows (id, routing_key, body, message_id); return (confirmed ids, nacked ids)."""
        channel = self._open()
        self._pending, self._acked, self._nacked = {}, set(), set()
        now = int(time.time())
        for row in rows:
            message = amqp.Message(row["body"], content_type=CONTENT_TYPE, content_encoding="utf-8",
                                   delivery_mode=2, message_id=row["message_id"], type=row["routing_key"],
                                   correlation_id=row.get("correlation_id") or "", timestamp=now)
            channel.basic_publish(message, exchange=self.settings.bus_exchange,
                                  routing_key=row["routing_key"], mandatory=True)
            self._pending[self._next_tag] = row["id"]
            self._next_tag += 1
        deadline = time.monotonic() + self.confirm_timeout
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConfirmTimeout(f"{len(self._pending)} confirms missing after {self.confirm_timeout}s")
            try:
                self._conn.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        return sorted(self._acked), sorted(self._nacked)

    def close(self):
        if self._conn is not None:
            try:
                self._conn.release()
            except Exception:  # closing a broken connection may fail; it is gone either way
                pass
        self._conn = self._channel = None


class MemoryPublisher:
    """kombu's in-memory transport (all-in-one mode): delivery is immediate and in-process."""

    def __init__(self, settings: Settings, connection: Connection | None = None):
        self.settings = settings
        self._conn = connection or Connection(settings.broker_url)

    def publish(self, rows: list[dict]) -> tuple[list[int], list[int]]:
        channel = self._conn.default_channel
        declare_exchange(channel, self.settings)
        producer = Producer(channel)
        for row in rows:
            producer.publish(row["body"].encode(), exchange=self.settings.bus_exchange,
                             routing_key=row["routing_key"], content_type=CONTENT_TYPE, content_encoding="utf-8",
                             message_id=row["message_id"], type=row["routing_key"])
        return [row["id"] for row in rows], []

    def close(self):
        pass


def make_publisher(settings: Settings):
    return MemoryPublisher(settings) if is_memory(settings) else ConfirmingPublisher(settings)
