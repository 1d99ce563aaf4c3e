"""What the archive tells the others (the notifications service tells registered people): each
change's message, written to the outbox in the caller's transaction. The contract
(shared/contracts/archive.py) says which of an item's fields travel."""
from __future__ import annotations

from shared.bus.outbox import publish

SOURCE = "urn:birlikte:archive"


def emit(cur, action: str, item: dict) -> str:
    """Write `archive.item.<action>` about the item into the outbox."""
    return publish(cur.connection, f"archive.item.{action}", item, source=SOURCE, subject=str(item["id"]))
