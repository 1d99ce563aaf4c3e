"""Turning rows into answers, the same way for every endpoint."""
from __future__ import annotations

from shared.auth.principal import Principal
from services.events import access, queries, times


def events(cur, rows: list[dict], principal: Principal | None, *, registered=(), tz: str | None = None) -> list[dict]:
    """Events as answered, with the names of the organizations they name (one query for them all)."""
    names = queries.organization_names(cur, {i for row in rows for i in _named(row)})
    return [_event(row, principal, names, registered=row["id"] in registered, tz=tz) for row in rows]


def event(cur, row: dict, principal: Principal | None, *, registered: bool = False, tz: str | None = None) -> dict:
    return events(cur, [row], principal, registered={row["id"]} if registered else (), tz=tz)[0]


def _named(row: dict) -> set[str]:
    """The organizations an event names: those involved in it and its speakers'."""
    speakers = {str(s["organization_id"]) for s in row["speakers"] if s.get("organization_id")}
    return access.involved(row) | speakers


def _event(row: dict, principal: Principal | None, names: dict, *, registered: bool, tz: str | None) -> dict:
    out = dict(row)
    out["organization_names"] = {i: names[i] for i in _named(row) if i in names}
    zones = dict.fromkeys([row["time_zone"], *row["display_time_zones"], *([tz] if tz else [])])
    out["local_times"] = [times.local_view(row["starts_at"], row["ends_at"], z) for z in zones]
    out["seats_left"] = None if row["capacity"] is None else max(row["capacity"] - row["registered_count"], 0)
    if not access.sees_online_link(principal, row, registered):
        out["online_url"] = None
    return out


def registration(row: dict, position: int | None = None, warnings: list | None = None) -> dict:
    return {**row, "waitlist_position": position, "warnings": warnings or []}


def overlap_warnings(others: list[dict]) -> list[dict]:
    """The person's other registrations at the same time: a warning, not a refusal."""
    return [{"code": "overlapping_registration", "event_id": other["id"],
             "detail": f"Also registered for an event at the same time: "
                       f"{next(iter(other['title'].values()))} ({other['starts_at'].isoformat()})."}
            for other in others]
