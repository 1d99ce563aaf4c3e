"""The bus topology, declared by code.

One durable topic exchange; per consuming service a quorum queue bound to the keys it handles,
one delay queue per retry step (its TTL dead-letters the message back to the service queue),
and a dead-letter queue where messages that failed every retry wait for an operator.
"""
from __future__ import annotations

from kombu import Connection

from shared.config import Settings


def is_memory(settings: Settings) -> bool:
    return settings.broker_url.startswith("memory://")


def queue_name(settings: Settings, service: str) -> str:
    return f"{settings.bus_queue_prefix}.{service}"


def retry_queue_name(settings: Settings, service: str, step: int) -> str:
    return f"{queue_name(settings, service)}.retry.{step}"


def dead_queue_name(settings: Settings, service: str) -> str:
    return f"{queue_name(settings, service)}.dead"


def declare_exchange(channel, settings: Settings) -> None:
    channel.exchange_declare(exchange=settings.bus_exchange, type="topic", durable=True, auto_delete=False)


def declare(settings: Settings, service: str, binding_keys, channel=None) -> None:
    """Declare the exchange and `service`'s queues; idempotent."""
    if channel is None:
        with Connection(settings.broker_url) as conn:
            return declare(settings, service, binding_keys, conn.default_channel)
    declare_exchange(channel, settings)
    quorum = {} if is_memory(settings) else {"x-queue-type": "quorum"}
    main = queue_name(settings, service)
    channel.queue_declare(queue=main, durable=True, auto_delete=False, arguments=quorum)
    for key in binding_keys:
        channel.queue_bind(queue=main, exchange=settings.bus_exchange, routing_key=key)
    for step, delay in enumerate(settings.bus_retry_delays, start=1):
        channel.queue_declare(queue=retry_queue_name(settings, service, step), durable=True, auto_delete=False,
                              arguments={"x-message-ttl": int(delay * 1000), "x-dead-letter-exchange": "",
                                         "x-dead-letter-routing-key": main})
    channel.queue_declare(queue=dead_queue_name(settings, service), durable=True, auto_delete=False, arguments=quorum)


def delete(settings: Settings, service: str) -> None:
    """Remove `service`'s queues (tests clean up after themselves)."""
    with Connection(settings.broker_url) as conn:
        channel = conn.default_channel
        names = [queue_name(settings, service), dead_queue_name(settings, service)]
        names += [retry_queue_name(settings, service, n) for n in range(1, len(settings.bus_retry_delays) + 1)]
        for name in names:
            channel.queue_delete(queue=name)


def pattern_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: `*` is exactly one word, `#` is zero or more words."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    return bool(words) and head in ("*", words[0]) and _match(rest, words[1:])
