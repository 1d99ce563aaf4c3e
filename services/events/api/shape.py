"""Turning rows into answers and request data into rows, the same way for every endpoint."""
from __future__ import annotations

import json

from psycopg.types.json import Jsonb

from shared.auth.principal import Principal
from services.events import access, times

JSON_COLUMNS = ("title", "description", "venue", "speakers")


def json_ready(value):
    """Nested data as plain JSON values (UUIDs as strings), so that it compares equal to what is stored."""
    return json.loads(json.dumps(value, default=str))


def to_db(values: dict) -> dict:
    return {k: Jsonb(json_ready(v)) if k in JSON_COLUMNS and v is not None else v for k, v in values.items()}


def normalize(values: dict) -> dict:
    return {k: json_ready(v) if k in JSON_COLUMNS and v is not None else v for k, v in values.items()}


def event(row: dict, principal: Principal | None, *, registered: bool = False, tz: str | None = None) -> dict:
    out = dict(row)
    zones = dict.fromkeys([row["time_zone"], *row["display_time_zones"], *([tz] if tz else [])])
    out["local_times"] = [times.local_view(row["starts_at"], row["ends_at"], z) for z in zones]
    out["seats_left"] = None if row["capacity"] is None else max(row["capacity"] - row["registered_count"], 0)
    if not (registered or access.can_manage(principal, row)):
        out["online_url"] = None  # the link is for the people registered
    return out


def registration(row: dict, position: int | None = None, warnings: list | None = None) -> dict:
    return {**row, "waitlist_position": position, "warnings": warnings or []}
