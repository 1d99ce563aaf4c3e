"""What a partner's iCalendar feed lists, read as the calendar import applies it.

- Events: every single event that has not ended; recurring ones (RRULE, RDATE, EXDATE, moved
  occurrences) as one event per occurrence starting within the horizon, keyed UID/RECURRENCE-ID;
  at most `max_events` in all, or the feed is refused. Floating and all-day times are the
  partner's wall clock in the feed's time zone.
- Each VEVENT becomes the event body the partner API takes; the feed's settings fill in what
  iCalendar cannot say (kind, visibility, the language of its texts).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from marshmallow import ValidationError

from services.events import times
from services.events.schemas import TAG, EventIn

EXTERNAL_ID_MAX = 200
_EVENT_IN = EventIn()


class TooManyEvents(ValueError):
    """The feed lists more events than an import takes."""


@dataclass
class Listing:
    items: list[tuple[str, icalendar.Event]] = field(default_factory=list)  # (external id, VEVENT)
    unreadable: list[tuple[str, Exception]] = field(default_factory=list)    # (external id, why)
    singles: set[str] = field(default_factory=set)    # external ids of every single event, ended or not
    recurring: set[str] = field(default_factory=set)  # UIDs of recurring events
    broken: set[str] = field(default_factory=set)     # UIDs of recurring events that could not be read
    horizon: datetime | None = None                   # recurring events were expanded up to here


def occurrences(body: bytes, zone: str, now: datetime, *, horizon: timedelta, max_events: int) -> Listing:
    """What the feed lists that has not ended. ValueError (or another parsing error) when the
    body is not iCalendar; TooManyEvents past `max_events`."""
    calendar = icalendar.Calendar.from_ical(body)
    local = ZoneInfo(zone)
    listing = Listing(horizon=now + horizon)
    events = [e for e in calendar.walk("VEVENT") if str(e.get("UID") or "")]  # no UID: nothing to follow
    listing.recurring = {str(e["UID"]) for e in events if "RRULE" in e or "RDATE" in e or "RECURRENCE-ID" in e}
    for event in events:
        uid = str(event["UID"])
        if uid not in listing.recurring:
            listing.singles.add(_external_id(uid))
            try:
                ends = span(event, local)[1]
            except (KeyError, ValueError, TypeError) as exc:  # e.g. no DTSTART: reported, the rest still land
                listing.unreadable.append((_external_id(uid), exc))
                continue
            if ends > now:
                _add(listing, _external_id(uid), event, max_events)
    zones, components = calendar.walk("VTIMEZONE"), {}
    for event in events:
        components.setdefault(str(event["UID"]), []).append(event)
    for uid in sorted(listing.recurring):
        try:  # lazily, in order of start: an endless RRULE stops at the horizon
            for event in _series(zones, components[uid]).after(now.astimezone(local)):
                if span(event, local)[0] > listing.horizon:
                    break
                _add(listing, _external_id(f"{uid}/{_instant_id(event['RECURRENCE-ID'].dt)}"), event, max_events)
        except TooManyEvents:
            raise
        except Exception as exc:  # a broken series is reported and left as it is, the others are read
            listing.broken.add(uid)
            listing.unreadable.append((_external_id(uid), exc))
    return listing


def _series(zones: list, components: list) -> recurring_ical_events.CalendarQuery:
    """One recurring event's components as a calendar of their own. Floating and all-day times
    are compared with `after`'s argument as the partner's wall clock, hence a local `now`."""
    calendar = icalendar.Calendar()
    for component in [*zones, *components]:
        calendar.add_component(component)
    return recurring_ical_events.of(calendar)


def _add(listing: Listing, external_id: str, event, max_events: int) -> None:
    if len(listing.items) >= max_events:
        raise TooManyEvents(f"The feed lists more than {max_events:,} events to import "
                            "(recurring events count once per occurrence within the horizon).")
    listing.items.append((external_id, event))


def span(event, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The VEVENT's start and end as instants; floating and all-day times on the partner's wall
    clock (an all-day event from the first moment of its day: midnight may not exist)."""
    start = event["DTSTART"].dt
    if "DTEND" in event:
        end = event["DTEND"].dt
    elif "DURATION" in event:
        end = start + event["DURATION"].dt
    else:
        end = start if isinstance(start, datetime) else start + timedelta(days=1)
    return _instant(start, zone), _instant(end, zone)


def _instant(value, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    # fold=0 reads a wall-clock time the clocks skip with the offset before the change: its first moment
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _instant_id(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") if value.tzinfo else value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _external_id(uid: str) -> str:
    """UIDs may be anything; a long one is kept as its hash."""
    return uid if len(uid) <= EXTERNAL_ID_MAX else "sha256:" + hashlib.sha256(uid.encode()).hexdigest()


# --- From a VEVENT to an event ----------------------------------------------------------------

def is_cancelled(event: icalendar.Event) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def event_data(event: icalendar.Event, feed: dict) -> dict:
    """The event a VEVENT stands for, loaded as the partner API loads a body (ValidationError
    when it makes no valid event)."""
    return _EVENT_IN.load(event_body(event, feed))


def event_body(event: icalendar.Event, feed: dict) -> dict:
    """The event body (as the partner API takes it) a VEVENT stands for, with the feed's defaults."""
    body = {"kind": feed["kind"], "visibility": feed["visibility"], "organizer_ids": [str(feed["organization_id"])],
            "status": "draft" if str(event.get("STATUS", "")).upper() == "TENTATIVE" else "scheduled",
            **_title_and_description(event, feed["language"]), **_times(event, feed["time_zone"]),
            **_place(event)}
    topics = [_tag(str(c)) for c in _categories(event)]
    body["topics"] = sorted({t for t in topics if t})
    return body


def _text(value) -> str:
    return str(value or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL


def _title_and_description(event, language: str) -> dict:
    summary = _text(event.get("SUMMARY"))
    out = {"title": {language: summary[:300]} if summary else {}}
    description = _text(event.get("DESCRIPTION"))
    if description:
        out["description"] = {language: description[:20000]}
    return out


def _times(event, default_zone: str) -> dict:
    """Instants, in the event's own zone when it names an IANA one, else in the partner's (for
    UTC, floating and all-day times, or a zone of the feed's own making)."""
    start, end = span(event, ZoneInfo(default_zone))
    zone = getattr(event["DTSTART"].dt, "tzinfo", None)
    name = getattr(zone, "key", None)
    if not name or name in ("UTC", "Etc/UTC") or not times.is_zone(name):
        name = default_zone
    shown = ZoneInfo(name)
    return {"time_zone": name, "starts_at": start.astimezone(shown).isoformat(),
            "ends_at": end.astimezone(shown).isoformat()}


def _place(event) -> dict:
    location = _text(event.get("LOCATION"))
    link = _text(event.get("URL"))
    if location.startswith(("https://", "http://")):
        link, location = link or location, ""
    online = link if link.startswith(("https://", "http://")) else None
    venue = {"name": location[:200]} if location else None
    form = "hybrid" if online and venue else "online" if online else "in_person"
    return {"format": form, "venue": venue, "online_url": online}


def _categories(event) -> list[str]:
    values = event.get("CATEGORIES")
    if values is None:
        return []
    values = values if isinstance(values, list) else [values]
    return [str(c) for v in values for c in getattr(v, "cats", [v])]


def _tag(category: str) -> str | None:
    tag = re.sub(r"[^a-z0-9_-]+", "_", category.strip().lower()).strip("_")[:60]
    try:
        TAG(tag)
        return tag
    except ValidationError:
        return None
