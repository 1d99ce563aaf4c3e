"""Consuming messages: exactly-once effects through the inbox, retries with growing delays,
dead letters for what keeps failing.

A service subscribes to exact message types, each with the list of its handlers
(`services/<name>/subscriptions.py`); the queue is bound to those types, and every type must have
a contract (checked when the consumer is made). Each message's payload is loaded through its
contract; every handler of its type runs, in order, in one transaction with the inbox row; the
message is acked only after that commit. Messages already waiting in the prefetch window are
handled together, in one transaction (one commit for the burst); if one of them fails, the burst
is rolled back and handled message by message. A redelivery (the process died before its ack)
finds the inbox row and is skipped.
A failure is re-queued to the next delay queue — the copy confirmed before the original is acked —
and after the last delay parked in the dead-letter queue with its error. A message that is not a
CloudEvent or breaks its contract is parked at once: retrying would not change it. Others keep flowing.
Bodies are read here, never by kombu inside its receive loop: a body that cannot be decoded (not
UTF-8, broken JSON, an unknown content type or encoding, nesting too deep) is a message to park,
not a lost connection to reconnect over forever.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from typing import Callable, Mapping, Sequence

from kombu import Connection, Consumer as KombuConsumer, Producer, Queue

from shared import contracts
from shared.bus.envelope import InvalidEnvelope, Message, parse_envelope, read_message
from shared.bus.topology import dead_queue_name, declare, is_memory, queue_name, retry_queue_name
from shared.config import Settings
from shared.context import correlation_id

log = logging.getLogger(__name__)
ATTEMPTS = "x-birlikte-attempts"
DEAD_ID = "x-birlikte-dead-id"  # what an operator replays a dead letter by when it had no id of its own
CONTENT_TYPES = ("application/cloudevents+json", "application/json")
ENCODINGS = (None, "", "utf-8", "binary")  # kombu writes "utf-8" or "binary" for a plain body
RECONNECT_CAP = 5.0  # seconds: after an outage the consumer is back within this of the broker
STALE_AFTER = 30.0  # seconds without a turn of the receive loop: the consumer is not consuming
Handler = Callable[[object, Message], None]  # (cursor, message), inside the message's transaction
Subscriptions = Mapping[str, Sequence[Handler]]


def check_subscriptions(service: str, subscriptions: Subscriptions) -> None:
    """Every subscribed type has a contract and at least one handler: an error at start, not a
    message that silently finds no one."""
    unknown = sorted(t for t in subscriptions if not contracts.known(t))
    if unknown:
        raise contracts.ContractError(f"{service} subscribes to message types without a contract: {', '.join(unknown)}")
    empty = sorted(t for t, handlers in subscriptions.items() if not handlers)
    if empty:
        raise ValueError(f"{service} subscribes to {', '.join(empty)} with no handler")


class Consumer:
    def __init__(self, settings: Settings, service: str, pool, subscriptions: Subscriptions,
                 after_commit: Callable[[dict], None] | None = None):
        check_subscriptions(service, subscriptions)
        self.settings, self.service, self.pool = settings, service, pool
        self.subscriptions = {t: tuple(handlers) for t, handlers in subscriptions.items()}
        self.after_commit = after_commit
        self._turned: float | None = None  # when the receive loop last turned (None: not consuming)
        self._last_error: str | None = None

    def problem(self) -> str | None:
        """None while consuming; otherwise why not (for the worker's health)."""
        if self._turned is None:
            return f"not consuming: {self._last_error or 'not connected yet'}"
        if time.monotonic() - self._turned > STALE_AFTER:
            return f"not consuming: the receive loop has not turned for {time.monotonic() - self._turned:.0f} s"
        return None

    @property
    def bindings(self) -> list[str]:
        """The routing keys the service's queue is bound to: exactly the types it handles."""
        return sorted(self.subscriptions)

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                self._consume(stop)
                backoff = 0.5
            except Exception as exc:  # connection lost: reconnect; unacked messages are redelivered
                self._turned, self._last_error = None, f"{type(exc).__name__}: {str(exc)[:200]}"
                log.warning("consumer connection failed; reconnecting in %.1fs", backoff,
                            extra={"error": str(exc)[:300]})
                stop.wait(backoff)
                backoff = min(backoff * 2, RECONNECT_CAP)
        self._turned = None

    def _consume(self, stop: threading.Event) -> None:
        transport_options = {} if is_memory(self.settings) else {"confirm_publish": True}
        with Connection(self.settings.broker_url, heartbeat=30, transport_options=transport_options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            declare(self.settings, self.service, self.bindings, conn.default_channel)
            self._producer = Producer(conn.channel())
            queue = Queue(queue_name(self.settings, self.service), no_declare=True)
            # on_message: kombu hands over the message undecoded (callbacks would have it decoded first)
            with KombuConsumer(conn.default_channel, queues=[queue], on_message=self._collect,
                               prefetch_count=self.settings.bus_prefetch, accept=None, no_ack=False):
                self._arrived: list = []
                while not stop.is_set():
                    self._turned = time.monotonic()
                    if not self._arrived:
                        try:
                            conn.drain_events(timeout=0.5)
                        except TimeoutError:
                            conn.heartbeat_check()
                            continue
                    self._take_what_is_waiting(conn)
                    # Swap the list out first: while a batch is handled (a retry's publish waits for
                    # its confirm and so reads the socket), new deliveries land in a fresh list.
                    batch, self._arrived = self._arrived, []
                    self._process(batch)

    def _collect(self, message) -> None:
        self._arrived.append(message)

    def _take_what_is_waiting(self, conn) -> None:
        """Messages already delivered into our prefetch window join the batch; none is waited for."""
        while len(self._arrived) < self.settings.bus_prefetch:
            try:
                conn.drain_events(timeout=0)
            except (TimeoutError, BlockingIOError):
                return

    def _process(self, messages: list) -> None:
        """Handle a batch in one transaction — each message's effects and inbox row together, then
        one commit and the acks. If any handler fails, the batch is rolled back and its messages
        are handled one by one, so that only the failing one is retried."""
        parsed = []
        for message in messages:
            try:
                parsed.append((message, self._read(_body_of(message))))
            except InvalidEnvelope as exc:
                self._park(message, self._attempts(message), f"invalid envelope: {exc}")
        if len(parsed) > 1:
            try:
                with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                    for _message, received in parsed:
                        self._handle_in(cur, received)
            except Exception:
                log.info("batch failed; handling its messages one by one", extra={"size": len(parsed)})
            else:
                for message, received in parsed:
                    if self.after_commit is not None:
                        self.after_commit(received.envelope)
                    message.ack()
                return
        for message, received in parsed:
            self._one(message, received)

    def _read(self, body) -> Message:
        """The message as its handlers see it; a type this service does not handle (a binding
        left from an older release) is recorded in the inbox and skipped, its payload unread."""
        envelope = parse_envelope(body)
        if envelope["type"] not in self.subscriptions:
            return Message(envelope, {})
        return read_message(envelope)

    @staticmethod
    def _attempts(message) -> int:
        return int((message.headers or {}).get(ATTEMPTS, 0))

    def _one(self, message, received: Message) -> None:
        try:
            self.handle(received)
        except Exception:
            self._retry(message, self._attempts(message), traceback.format_exc(limit=5))
            return
        if self.after_commit is not None:
            self.after_commit(received.envelope)
        message.ack()

    def handle(self, received: Message | dict) -> bool:
        """Run the type's handlers and record the message in one transaction; False if seen before.
        (Tests and tools hand envelopes straight in, exactly as they would have arrived.)"""
        if isinstance(received, dict):
            received = self._read(received)
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            return self._handle_in(cur, received)

    def _handle_in(self, cur, received: Message) -> bool:
        envelope = received.envelope
        token = correlation_id.set(envelope.get("correlationid") or envelope["id"])
        try:
            cur.execute(
                "INSERT INTO inbox (source, message_id, type) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                (envelope["source"], envelope["id"], envelope["type"]))
            first = cur.fetchone() is not None
            if first:
                for handler in self.subscriptions.get(envelope["type"], ()):
                    handler(cur, received)
            return first
        finally:
            correlation_id.reset(token)

    def _retry(self, message, attempts: int, error: str) -> None:
        step = attempts + 1
        if step > len(self.settings.bus_retry_delays):
            self._park(message, attempts, error)
            return
        log.warning("handler failed; retry %d of %d", step, len(self.settings.bus_retry_delays),
                    extra={"error": error.strip().splitlines()[-1][:300]})
        if is_memory(self.settings):  # no TTL queues in memory: wait here, then requeue
            time.sleep(min(self.settings.bus_retry_delays[step - 1], 1.0))
            target = queue_name(self.settings, self.service)
        else:
            target = retry_queue_name(self.settings, self.service, step)
        self._forward(message, target, {ATTEMPTS: step})

    def _park(self, message, attempts: int, error: str) -> None:
        log.error("message parked in the dead-letter queue", extra={"error": error.strip()[-500:]})
        self._forward(message, dead_queue_name(self.settings, self.service), {
            ATTEMPTS: attempts, "x-birlikte-error": error[-2000:], DEAD_ID: _id_of(message),
            "x-birlikte-failed-at": datetime.now(timezone.utc).isoformat(),
            "x-birlikte-routing-key": message.delivery_info.get("routing_key", "")})

    def _forward(self, message, queue: str, headers: dict) -> None:
        """Publish a copy (confirmed by the broker) and only then ack the original."""
        self._producer.publish(
            message.body, exchange="", routing_key=queue, headers={**(message.headers or {}), **headers},
            content_type=message.content_type, content_encoding=message.content_encoding,
            delivery_mode=2, message_id=message.properties.get("message_id"),
            correlation_id=message.properties.get("correlation_id"), type=message.properties.get("type"))
        message.ack()


def _body_of(message) -> bytes:
    """The raw body, if it is one this consumer can read: JSON, plainly encoded."""
    if message.content_type not in CONTENT_TYPES:
        raise InvalidEnvelope(f"unsupported content type {message.content_type!r}")
    if message.content_encoding not in ENCODINGS:
        raise InvalidEnvelope(f"unsupported content encoding {message.content_encoding!r}")
    return message.body


def _id_of(message) -> str:
    """The message's own id (the envelope's, else the AMQP message id), else a new one to name it by."""
    try:
        found = json.loads(message.body).get("id")
    except (ValueError, UnicodeDecodeError, RecursionError, AttributeError):
        found = None
    if isinstance(found, str) and found:
        return found
    return message.properties.get("message_id") or (message.headers or {}).get(DEAD_ID) or str(uuid.uuid4())
