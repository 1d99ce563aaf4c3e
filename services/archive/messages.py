"""What the archive tells the others (the notifications service tells registered people)."""
from __future__ import annotations

from shared.bus.outbox import publish

SOURCE = "urn:birlikte:archive"
FIELDS = ("id", "type", "title", "language", "event_ids", "organization_ids", "visibility", "status", "topics")


def emit(cur, action: str, item: dict) -> str:
    data = {name: item[name] for name in FIELDS}
    data["id"] = str(data["id"])
    data["event_ids"] = [str(e) for e in data["event_ids"]]
    data["organization_ids"] = [str(o) for o in data["organization_ids"]]
    return publish(cur.connection, f"archive.item.{action}", data, source=SOURCE, subject=data["id"])
