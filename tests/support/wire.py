"""An independent client (pika) to see what really travels on the broker."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pika


def pika_parameters(broker_url: str) -> pika.ConnectionParameters:
    """kombu writes the default vhost as `//`; pika wants it spelled out."""
    parts = urlsplit(broker_url)
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return pika.ConnectionParameters(
        host=parts.hostname or "localhost", port=parts.port or 5672, virtual_host=vhost,
        credentials=pika.PlainCredentials(unquote(parts.username or "guest"), unquote(parts.password or "guest")))


def pika_connection(broker_url: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika_parameters(broker_url))


class Wire:
    """An exclusive queue bound to the exchange with pika: every message that really went out."""

    def __init__(self, settings, binding: str = "#"):
        self.connection = pika_connection(settings.broker_url)
        self.channel = self.connection.channel()
        self.exchange = settings.bus_exchange
        self.channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        self.queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.queue_bind(self.queue, self.exchange, routing_key=binding)

    def receive(self, count: int, timeout: float = 10, accept=lambda envelope: True) -> list:
        """Up to `count` (method, properties, envelope) triples, waiting at most `timeout` s."""
        import json
        import time
        seen, deadline = [], time.monotonic() + timeout
        while len(seen) < count and time.monotonic() < deadline:
            method, properties, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                self.connection.sleep(0.02)
                continue
            envelope = json.loads(body)
            if accept(envelope):
                seen.append((method, properties, envelope))
        return seen

    def close(self, delete_exchange: bool = True) -> None:
        if delete_exchange:
            self.channel.exchange_delete(self.exchange)
        self.connection.close()
