"""What the registry tells the other services: each change's message, written to the outbox."""
from __future__ import annotations

from shared.bus.outbox import publish

SOURCE = "urn:birlikte:registry"

_FIELDS = {
    "organization": ("id", "name", "kind", "country", "city", "roles", "focus_areas", "status", "version"),
    # email travels because notifications must reach people; nothing else personal does.
    "person": ("id", "full_name", "email", "preferred_language", "time_zone", "consent_contact",
               "consent_recording", "status", "version"),
    "membership": ("id", "organization_id", "person_id", "kind", "is_admin", "status"),
    "partnership": ("id", "organization_id", "partner_id", "kind", "status"),
    "client": ("id", "organization_id", "name", "scopes", "status"),
}


def payload(entity: str, row: dict) -> dict:
    data = {}
    for name in _FIELDS[entity]:
        value = row[name]
        data[name] = str(value) if name == "id" or name.endswith("_id") else value
    return data


def emit(cur, entity: str, action: str, row: dict) -> str:
    """Write `registry.<entity>.<action>` into the outbox, in the caller's transaction."""
    data = payload(entity, row)
    return publish(cur.connection, f"registry.{entity}.{action}", data, source=SOURCE, subject=data["id"])
