"""What the events service tells the others, written to the outbox in the caller's transaction."""
from __future__ import annotations

from psycopg.types.json import Jsonb

from shared import contracts
from shared.bus.outbox import publish

SOURCE = "urn:birlikte:events"

_FIELDS = {
    "event": ("id", "kind", "format", "title", "starts_at", "ends_at", "time_zone", "status", "visibility",
              "organizer_ids", "host_id", "partner_ids", "series_id", "topics", "online_url", "capacity",
              "sequence", "version", "external_source", "external_id"),
    "registration": ("id", "event_id", "person_id", "organization_id", "status", "attendance"),
    "topic": ("id", "title", "tags", "organization_id", "status", "votes", "event_id"),
    "placement": ("id", "participant_id", "home_organization_id", "host_organization_id", "starts_on", "ends_on",
                  "status"),
}


def public_fields(entity: str, row: dict) -> dict:
    """What a message about the row carries of it."""
    return {name: row.get(name) for name in _FIELDS[entity]}


def emit(cur, entity: str, action: str, row: dict, **extra) -> str:
    """Write `events.<entity>.<action>` with the row's public fields and any extra ones; an event's
    change also goes into the change feed partners pull."""
    data = {**public_fields(entity, row), **extra}
    message_id = publish(cur.connection, f"events.{entity}.{action}", data, source=SOURCE, subject=str(row["id"]))
    if entity == "event":
        _record_change(cur, action, row, data)
    return message_id


def _record_change(cur, action: str, row: dict, data: dict) -> None:
    concerned = [*row["organizer_ids"], *row["partner_ids"], *row["invited_ids"], *([row["host_id"]] if row["host_id"] else [])]
    payload = contracts.dump(f"events.event.{action}", data)  # JSON-ready, as on the bus
    cur.execute("INSERT INTO changes (event_id, type, organization_ids, visibility, payload) VALUES (%s, %s, %s, %s, %s)",
                (row["id"], f"events.event.{action}", concerned, row["visibility"], Jsonb(payload)))
