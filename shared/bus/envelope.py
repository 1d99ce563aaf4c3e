"""The CloudEvents 1.0 envelope (structured mode) every message travels in."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from shared import contracts
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
    except RecursionError:
        raise InvalidEnvelope("not JSON this platform reads: nested too deep") from None
    if not isinstance(envelope, dict):
        raise InvalidEnvelope("not a JSON object")
    missing = [name for name in REQUIRED if not envelope.get(name)]
    if missing:
        raise InvalidEnvelope(f"missing CloudEvents attributes: {', '.join(missing)}")
    if envelope["specversion"] != "1.0":
        raise InvalidEnvelope(f"unsupported specversion {envelope['specversion']!r}")
    return envelope


@dataclass(frozen=True)
class Message:
    """A received message as its handlers see it: the envelope as it travelled, and its payload
    loaded through the type's contract (UUIDs, times and dates as Python values)."""
    envelope: dict
    data: dict

    @property
    def id(self) -> str:
        return self.envelope["id"]

    @property
    def type(self) -> str:
        return self.envelope["type"]

    @property
    def source(self) -> str:
        return self.envelope["source"]

    @property
    def time(self) -> str | None:
        return self.envelope.get("time")


def read_message(envelope: dict) -> Message:
    """The envelope with its payload loaded through its contract; InvalidEnvelope when the
    payload breaks it (retrying would not change that)."""
    try:
        return Message(envelope, contracts.load(envelope["type"], envelope.get("data")))
    except contracts.ContractError as exc:
        raise InvalidEnvelope(f"the payload breaks its contract: {exc}") from exc
