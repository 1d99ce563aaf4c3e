"""Operators' view of the dead-letter queue: list what failed and why, replay what is fixed."""
from __future__ import annotations

import json

from amqp.exceptions import NotFound
from kombu import Connection, Producer, Queue

from shared.bus.consumer import ATTEMPTS, DEAD_ID
from shared.bus.topology import dead_queue_name, queue_name
from shared.config import Settings


def _describe(message) -> dict:
    headers = message.headers or {}
    try:
        envelope = json.loads(message.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        envelope = None
    envelope = envelope if isinstance(envelope, dict) else None
    return {"id": (envelope or {}).get("id") or message.properties.get("message_id") or headers.get(DEAD_ID),
            "type": (envelope or {}).get("type") or headers.get("x-birlikte-routing-key"),
            "error": headers.get("x-birlikte-error"), "attempts": headers.get(ATTEMPTS),
            "failed_at": headers.get("x-birlikte-failed-at"), "envelope": envelope}


def _fetch_all(channel, queue: str, limit: int):
    """Take messages without acking them: closing the channel puts back whatever is not acked."""
    messages, source = [], Queue(queue, channel=channel, no_declare=True)
    while len(messages) < limit:
        message = source.get(no_ack=False, accept=None)
        if message is None:
            break
        messages.append(message)
    return messages


def list_dead(settings: Settings, service: str, limit: int = 1000) -> list[dict]:
    """The dead letters, oldest first; none when the service has never consumed (no queue yet)."""
    with Connection(settings.broker_url) as conn:
        channel = conn.channel()
        try:
            return [_describe(m) for m in _fetch_all(channel, dead_queue_name(settings, service), limit)]
        except NotFound:
            return []
        finally:
            if channel.is_open:
                channel.close()


def replay(settings: Settings, service: str, ids=None, limit: int = 1000) -> int:
    """Send dead letters (all, or those whose id is in `ids`) back to the service's queue."""
    wanted = set(ids) if ids else None
    replayed = 0
    options = {} if settings.broker_url.startswith("memory://") else {"confirm_publish": True}
    with Connection(settings.broker_url, transport_options=options) as conn:
        channel, producer = conn.channel(), Producer(conn.channel())
        try:
            for message in _fetch_all(channel, dead_queue_name(settings, service), limit):
                if wanted is not None and _describe(message)["id"] not in wanted:
                    continue
                headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-birlikte-")}
                producer.publish(message.body, exchange="", routing_key=queue_name(settings, service),
                                 headers={**headers, ATTEMPTS: 0}, content_type=message.content_type,
                                 content_encoding=message.content_encoding, delivery_mode=2,
                                 message_id=message.properties.get("message_id"))
                message.ack()
                replayed += 1
        finally:
            channel.close()
    return replayed
