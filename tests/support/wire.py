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
