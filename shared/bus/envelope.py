"""The CloudEvents 1.0 envelope (structured mode) every message travels in."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

from shared.context import current_correlation_id

CONTENT_TYPE = "application/cloudevents+json"
REQUIRED = ("id", "source", "type", "specversion")


class InvalidEnvelope(ValueError):
    """A message that is not a CloudEvent this platform can handle."""


def make_envelope(type: str, data: dict, *, source: str, subject: str | None = None,
                  correlation_id: str | None = None) -> dict:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source,
        "type": type,
        "time": datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "subject": subject,
        "datacontenttype": "application/json",
        "correlationid": correlation_id or current_correlation_id(),
        "data": data,
    }


def parse_envelope(body: bytes | str | dict) -> dict:
    try:
        envelope = body if isinstance(body, dict) else json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEnvelope(f"not JSON: {exc}") from exc
    if not isinstance(envelope, dict):
        raise InvalidEnvelope("not a JSON object")
    missing = [name for name in REQUIRED if not envelope.get(name)]
    if missing:
        raise InvalidEnvelope(f"missing CloudEvents attributes: {', '.join(missing)}")
    if envelope["specversion"] != "1.0":
        raise InvalidEnvelope(f"unsupported specversion {envelope['specversion']!r}")
    return envelope
