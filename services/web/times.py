"""Times as a reader sees them: on their own clock and in their language, with the event's own
zone beside when it differs (an Istanbul–Dublin meeting reads right in both cities)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time, get_timezone_name

LOCALES = {"tr": "tr_TR", "en": "en_IE"}
DEFAULT_ZONE = "Europe/Istanbul"


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def when(event: dict, zone: str | None, language: str) -> dict:
    """The event's start and end on the reader's clock, and on the event's own when it differs."""
    zone = zone or DEFAULT_ZONE
    locale = LOCALES.get(language, "en_IE")
    starts, ends = instant(event["starts_at"]), instant(event["ends_at"])
    shown = {"reader": _span(starts, ends, zone, locale)}
    if event["time_zone"] != zone:
        shown["event"] = _span(starts, ends, event["time_zone"], locale)
    return shown


def _span(starts: datetime, ends: datetime, zone: str, locale: str) -> dict:
    tz = ZoneInfo(zone)
    same_day = starts.astimezone(tz).date() == ends.astimezone(tz).date()
    return {"zone": zone, "zone_name": get_timezone_name(tz, width="short", locale=locale, uncommon=False),
            "starts": format_datetime(starts, "EEEE d MMMM y, HH:mm", tzinfo=tz, locale=locale),
            "ends": (format_time(ends, "HH:mm", tzinfo=tz, locale=locale) if same_day
                     else format_datetime(ends, "d MMMM y, HH:mm", tzinfo=tz, locale=locale)),
            "iso": starts.astimezone(tz).isoformat()}
