"""Instants and wall-clock times: events are stored as UTC instants with their IANA zone beside.

An Istanbul–Dublin meeting is one instant shown as two local times; Dublin moves its clocks,
Istanbul does not, so the gap between them is 2 hours in summer and 3 in winter.
"""
from __future__ import annotations

import zoneinfo
from datetime import datetime, timezone

from shared.schemas import is_time_zone


class NonexistentLocalTime(ValueError):
    """A wall-clock time that is no instant: skipped by a daylight-saving jump (e.g. 01:30 in Dublin
    on the last Sunday of March), or beyond the calendar's years once in UTC."""


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def is_zone(name: str) -> bool:
    return is_time_zone(name)


def from_local(wall: datetime, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time that repeats when clocks go back takes its first occurrence (fold=0); a time that
    never happens when clocks go forward is refused rather than silently shifted.
    """
    local = wall.replace(tzinfo=zone(zone_name), fold=0)
    try:
        instant = local.astimezone(timezone.utc)
        back = instant.astimezone(zone(zone_name)).replace(tzinfo=None)
    except OverflowError:  # 0001-01-01 00:30 in Istanbul is in year 0 in UTC
        raise NonexistentLocalTime(f"{wall:%Y-%m-%d %H:%M} in {zone_name} is beyond the calendar.") from None
    if back != wall.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{wall:%Y-%m-%d %H:%M} does not exist in {zone_name} (the clocks skip it).")
    return instant


def local_view(starts_at: datetime, ends_at: datetime, zone_name: str) -> dict:
    """How an event's start and end read on a clock in `zone_name`."""
    tz = zone(zone_name)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return {"time_zone": zone_name, "starts_at": start.isoformat(), "ends_at": end.isoformat(),
            "utc_offset": _offset(start), "abbreviation": start.tzname()}


def _offset(moment: datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def now() -> datetime:
    return datetime.now(timezone.utc)
