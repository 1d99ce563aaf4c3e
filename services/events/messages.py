"""What the events service tells the others, written to the outbox in the caller's transaction."""
from __future__ import annotations

from shared.bus.outbox import publish

SOURCE = "urn:birlikte:events"

_FIELDS = {
    "event": ("id", "kind", "format", "title", "starts_at", "ends_at", "time_zone", "status", "visibility",
              "organizer_ids", "host_id", "partner_ids", "series_id", "topics", "online_url", "capacity",
              "sequence", "version"),
    "registration": ("id", "event_id", "person_id", "organization_id", "status", "attendance"),
    "topic": ("id", "title", "tags", "organization_id", "status", "votes", "event_id"),
    "placement": ("id", "participant_id", "home_organization_id", "host_organization_id", "starts_on", "ends_on",
                  "status"),
}


def emit(cur, entity: str, action: str, row: dict, **extra) -> str:
    """Write `events.<entity>.<action>` with the row's public fields and any extra ones."""
    data = {name: row.get(name) for name in _FIELDS[entity]}
    data.update(extra)
    return publish(cur.connection, f"events.{entity}.{action}", data, source=SOURCE, subject=str(row["id"]))
