"""What the registry tells the other services: each change's message, written to the outbox in
the caller's transaction. The contracts (shared/contracts/registry.py) say which fields travel:
a person's email does, because notifications must reach people; nothing else personal does."""
from __future__ import annotations

from shared.bus.outbox import publish

SOURCE = "urn:birlikte:registry"


def emit(cur, entity: str, action: str, row: dict) -> str:
    """Write `registry.<entity>.<action>` about the row into the outbox."""
    return publish(cur.connection, f"registry.{entity}.{action}", row, source=SOURCE, subject=str(row["id"]))
