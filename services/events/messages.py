"""What the events service tells the others, written to the outbox in the caller's transaction.
The contracts (shared/contracts/events.py) say which fields of a row travel."""
from __future__ import annotations

from psycopg.types.json import Jsonb

from shared import contracts
from shared.bus.outbox import publish

SOURCE = "urn:birlikte:events"


def emit(cur, entity: str, action: str, row: dict, **extra) -> str:
    """Write `events.<entity>.<action>` about the row, with any extra fields; an event's change
    also goes into the change feed partners pull."""
    type_ = f"events.{entity}.{action}"
    data = {**row, **extra}
    message_id = publish(cur.connection, type_, data, source=SOURCE, subject=str(row["id"]))
    if entity == "event":
        _record_change(cur, type_, row, contracts.dump(type_, data))  # JSON-ready, as on the bus
    return message_id


def _record_change(cur, type_: str, row: dict, payload: dict) -> None:
    concerned = [*row["organizer_ids"], *row["partner_ids"], *row["invited_ids"], *([row["host_id"]] if row["host_id"] else [])]
    cur.execute("INSERT INTO changes (event_id, type, organization_ids, visibility, payload) VALUES (%s, %s, %s, %s, %s)",
                (row["id"], type_, concerned, row["visibility"], Jsonb(payload)))
