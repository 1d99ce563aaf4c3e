"""Times as a reader sees them: on their own clock and in their language, with the event's own
zone beside when it differs (an Istanbul–Dublin meeting reads right in both cities), and the
months of the program as the reader's calendar cuts them."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime, format_time, get_timezone_name

LOCALES = {"tr": "tr_TR", "en": "en_IE"}
DEFAULT_ZONE = "Europe/Istanbul"
# The day before the date in English, after it in Turkish ("12 Aralık 2026 Cumartesi").
DAY_FIRST = {"tr_TR": ("d MMMM y EEEE, HH:mm", "d MMMM y, HH:mm"), "en_IE": ("EEEE d MMMM y, HH:mm", "d MMMM y, HH:mm")}


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def is_zone(name: str | None) -> bool:
    """An IANA zone name (a reader's browser says which it is in; anything else is ignored)."""
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def when(event: dict, zone: str | None, language: str) -> dict:
    """The event's start and end on the reader's clock, on the event's own when it differs, and
    in the other zones its organizers asked it to be shown in."""
    zone = zone or DEFAULT_ZONE
    locale = LOCALES.get(language, "en_IE")
    starts, ends = instant(event["starts_at"]), instant(event["ends_at"])
    shown = {"reader": _span(starts, ends, zone, locale), "others": []}
    if event["time_zone"] != zone:
        shown["event"] = _span(starts, ends, event["time_zone"], locale)
    for other in event.get("display_time_zones") or ():
        if other not in (zone, event["time_zone"]):
            shown["others"].append(_span(starts, ends, other, locale))
    shown["past"] = ends <= datetime.now(timezone.utc)
    return shown


def moment(value: str, zone: str | None, language: str) -> str:
    """One instant (e.g. when registration opens) on the reader's clock."""
    return format_datetime(instant(value), "d MMMM y, HH:mm", tzinfo=ZoneInfo(zone or DEFAULT_ZONE),
                           locale=LOCALES.get(language, "en_IE"))


def months(zone: str | None, language: str, count: int = 12, now: datetime | None = None) -> list[tuple[str, str]]:
    """The next `count` months from the reader's current one: ("2026-05", "May 2026")."""
    today = (now or datetime.now(timezone.utc)).astimezone(ZoneInfo(zone or DEFAULT_ZONE)).date()
    locale = LOCALES.get(language, "en_IE")
    found = []
    for step in range(count):
        year, month = divmod(today.month - 1 + step, 12)
        first = today.replace(year=today.year + year, month=month + 1, day=1)
        found.append((f"{first:%Y-%m}", format_date(first, "LLLL y", locale=locale)))
    return found


def month_span(value: str, zone: str | None) -> tuple[datetime, datetime]:
    """The instants a month ("2026-05") begins and ends on the reader's clock."""
    year, month = (int(part) for part in value.split("-"))
    tz = ZoneInfo(zone or DEFAULT_ZONE)
    after_year, after_month = divmod(month, 12)
    return datetime(year, month, 1, tzinfo=tz), datetime(year + after_year, after_month + 1, 1, tzinfo=tz)


def zone_name(zone: str, locale: str) -> str:
    """A zone as people call it ("Ireland Time", "Türkiye Saati"); UTC as itself."""
    if zone in ("UTC", "GMT") or zone.startswith("Etc/"):
        return "UTC" if zone in ("UTC", "GMT", "Etc/UTC", "Etc/GMT") else zone.removeprefix("Etc/")
    return get_timezone_name(ZoneInfo(zone), width="short", locale=locale, uncommon=False)


def _span(starts: datetime, ends: datetime, zone: str, locale: str) -> dict:
    tz = ZoneInfo(zone)
    same_day = starts.astimezone(tz).date() == ends.astimezone(tz).date()
    day, date = DAY_FIRST[locale]
    return {"zone": zone, "zone_name": zone_name(zone, locale),
            "starts": format_datetime(starts, day, tzinfo=tz, locale=locale),
            "ends": (format_time(ends, "HH:mm", tzinfo=tz, locale=locale) if same_day
                     else format_datetime(ends, date, tzinfo=tz, locale=locale)),
            "iso": starts.astimezone(tz).isoformat()}
