"""Partners' own iCalendar feeds: the events worker fetches each registered feed and upserts its
events by UID, with partner sync's rules (services/events/sync.py): the same feed twice changes
nothing and publishes nothing, a changed VEVENT updates its event once, STATUS:CANCELLED or an
event gone from the feed cancels it, and an event the partner lists again is scheduled again.

- Fetching: through shared/outbound (public addresses only, pinned, no redirects), with
  If-None-Match / If-Modified-Since so an unchanged feed costs a 304 — except once a day, when it
  is applied again in full so that recurring events keep arriving as the horizon moves. At most
  `calendar_import_max_bytes`, within `calendar_import_timeout_seconds` in all.
- Events: every single event that has not ended; recurring ones (RRULE, RDATE, EXDATE, moved
  occurrences) as one event per occurrence starting within `calendar_import_horizon_days`, keyed
  UID/RECURRENCE-ID; at most `calendar_import_max_events` in all, or the fetch fails. Floating
  and all-day times are the partner's wall clock in the feed's time zone.
- Claiming: an import due for a fetch is claimed (shared/leases.py) before the network is touched,
  so several workers never fetch one feed at once and a worker that dies mid-import only delays
  it by the lease. The whole feed is applied in one
  transaction, each VEVENT in a savepoint: one bad VEVENT is reported, the rest still land. A
  change to the import made meanwhile (a new URL, "fetch now") wins over the fetch in hand.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from time import monotonic
from zoneinfo import ZoneInfo

import icalendar
import psycopg
import recurring_ical_events
import requests
import urllib3
from marshmallow import ValidationError
from psycopg.types.json import Jsonb

from shared.auth.principal import Principal
from shared import leases
from shared.config import Settings
from shared import outbound
from shared.http.problems import Problem, abort_problem
from services.events import sync, times
from services.events.schemas import TAG, EventIn

log = logging.getLogger(__name__)
CHECK_SECONDS = 30.0                 # how often the worker looks for feeds due (each has its own interval)
LEASE = timedelta(minutes=5)         # a claimed import is not claimed again before this, should its worker die
REAPPLY = timedelta(days=1)          # an unchanged feed is still applied in full this often
MAX_PROBLEMS = 50                    # problems kept in an import's report
EXTERNAL_ID_MAX = 200
ITEM_ERRORS = (Problem, ValidationError, KeyError, ValueError, TypeError, psycopg.Error)
_EVENT_IN = EventIn()


class FetchFailed(Exception):
    pass


@dataclass
class Fetched:
    body: bytes | None  # None: not modified since the validators we sent
    etag: str | None
    last_modified: str | None


def fetch(settings: Settings, url: str, etag: str | None, last_modified: str | None) -> Fetched:
    headers = {"Accept": "text/calendar", "User-Agent": "Birlikte calendar import"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    budget = settings.calendar_import_timeout_seconds
    deadline = monotonic() + budget
    try:
        addresses = outbound.resolve(url, settings.calendar_import_allow_private)  # DNS may have changed
        with outbound.session(addresses) as session, session.get(
                url, headers=headers, timeout=budget, allow_redirects=False, stream=True) as response:
            if response.status_code == 304:
                return Fetched(None, etag, last_modified)
            if response.status_code != 200:
                raise FetchFailed(f"The feed answered HTTP {response.status_code}.")
            body = _read_capped(response, settings.calendar_import_max_bytes, deadline, budget)
            return Fetched(body, response.headers.get("ETag"), response.headers.get("Last-Modified"))
    # Reading the body with read1 meets urllib3's own errors (a read timeout, a cut connection),
    # which requests only wraps for its own iterators.
    except (outbound.UnsafeUrl, requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise FetchFailed(str(exc)) from exc


def _read_capped(response, limit: int, deadline: float, budget: float) -> bytes:
    """The body, or FetchFailed past `limit` bytes or past the deadline (a trickling server would
    otherwise hold the worker: requests' timeout applies to each read, not to the whole body)."""
    chunks, size = [], 0
    # read1: whatever has arrived, so that the deadline is checked however slowly bytes come
    while chunk := response.raw.read1(65536, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise FetchFailed(f"The feed is larger than {limit:,} bytes.")
        if monotonic() > deadline:
            raise FetchFailed(f"The feed took longer than {budget:g} s to arrive.")
        chunks.append(chunk)
    return b"".join(chunks)


# --- What a feed lists ------------------------------------------------------------------------

@dataclass
class Listing:
    items: list[tuple[str, icalendar.Event]] = field(default_factory=list)  # (external id, VEVENT)
    unreadable: list[tuple[str, Exception]] = field(default_factory=list)    # (external id, why)
    singles: set[str] = field(default_factory=set)    # external ids of every single event, ended or not
    recurring: set[str] = field(default_factory=set)  # UIDs of recurring events
    broken: set[str] = field(default_factory=set)     # UIDs of recurring events that could not be read
    horizon: datetime | None = None                   # recurring events were expanded up to here


def occurrences(body: bytes, zone: str, settings: Settings, now: datetime) -> Listing:
    """What the feed lists that has not ended. ValueError (or another parsing error) when the
    body is not iCalendar; FetchFailed past `calendar_import_max_events`."""
    calendar = icalendar.Calendar.from_ical(body)
    local = ZoneInfo(zone)
    listing = Listing(horizon=now + timedelta(days=settings.calendar_import_horizon_days))
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
                _add(listing, _external_id(uid), event, settings)
    zones, components = calendar.walk("VTIMEZONE"), {}
    for event in events:
        components.setdefault(str(event["UID"]), []).append(event)
    for uid in sorted(listing.recurring):
        try:  # lazily, in order of start: an endless RRULE stops at the horizon
            for event in _series(zones, components[uid]).after(now.astimezone(local)):
                if span(event, local)[0] > listing.horizon:
                    break
                _add(listing, _external_id(f"{uid}/{_instant_id(event['RECURRENCE-ID'].dt)}"), event, settings)
        except FetchFailed:
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


def _add(listing: Listing, external_id: str, event, settings: Settings) -> None:
    if len(listing.items) >= settings.calendar_import_max_events:
        raise FetchFailed(f"The feed lists more than {settings.calendar_import_max_events:,} events to import "
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


# --- From a VEVENT to an event body -----------------------------------------------------------

def event_body(event: icalendar.Event, feed: dict) -> dict:
    """The event body (as the partner API takes it) a VEVENT stands for; the feed's settings fill
    in what iCalendar cannot say (kind, visibility, the language of its texts)."""
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


# --- Applying a feed --------------------------------------------------------------------------

FEEDS = leases.Due("calendar_imports", when="active AND next_fetch_at <= now() AND claimed_at IS NULL",
                   eligible="active", order="next_fetch_at")


def fetch_due(pool, settings: Settings) -> int:
    """Fetch and apply every import that is due; the number handled. The worker's timer."""
    def run_each(claimed: list[dict]) -> int:
        for feed in claimed:
            run(pool, settings, feed)
        return len(claimed)
    return leases.drain(pool, FEEDS, run_each, batch=1, lease_seconds=LEASE.total_seconds())


def run(pool, settings: Settings, feed: dict) -> dict:
    """Fetch one claimed feed and apply it; the import as stored afterwards ({} if it changed meanwhile)."""
    now = datetime.now(timezone.utc)
    fresh = feed["last_applied_at"] is not None and now - feed["last_applied_at"] < REAPPLY
    try:
        fetched = fetch(settings, feed["url"], *((feed["etag"], feed["last_modified"]) if fresh else (None, None)))
        if fetched.body is None:
            return _record(pool, settings, feed, "not_modified")
        listing = occurrences(fetched.body, feed["time_zone"], settings, now)
    except FetchFailed as exc:
        return _record(pool, settings, feed, "failed", str(exc))
    except Exception as exc:  # whatever a malformed feed makes the parser raise, it is the feed's failure
        return _record(pool, settings, feed, "failed", f"Not a readable iCalendar feed: {type(exc).__name__}: {exc}")
    try:
        with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            current = _current(cur, feed)
            if current is None:
                return {}
            report = _apply(cur, current, listing, now)
            return _store(cur, settings, current, feed, "imported", None, report, fetched)
    except Exception:  # one feed must not stop the others; nothing of it was written
        log.exception("calendar import crashed", extra={"import_id": str(feed["id"])})
        return _record(pool, settings, feed, "failed", "The import failed unexpectedly; it will be tried again.")


def _current(cur, feed: dict) -> dict | None:
    """The import, locked, if it still is the one claimed (and still this worker's claim): not
    removed, paused or moved to another URL."""
    if not leases.hold(cur.connection, FEEDS, feed):
        return None
    cur.execute("SELECT * FROM calendar_imports WHERE id = %s AND active", (feed["id"],))
    current = cur.fetchone()
    return current if current is not None and current["url"] == feed["url"] else None


def _apply(cur, feed: dict, listing: Listing, now: datetime) -> dict:
    principal = Principal(subject=f"calendar-import:{feed['id']}", roles=frozenset({"partner_client"}),
                          scopes=frozenset({"events:write"}), organization=str(feed["organization_id"]))
    report = {"created": 0, "updated": 0, "unchanged": 0, "cancelled": 0, "failed": 0, "problems": []}
    elsewhere = _other_feeds_events(cur, feed)
    for external_id, event in listing.items:
        try:
            with cur.connection.transaction():  # a savepoint: a bad VEVENT leaves nothing behind
                report[_apply_one(cur, principal, feed, external_id, event, elsewhere)] += 1
        except ITEM_ERRORS as exc:
            _failed(report, external_id, exc)
    for external_id, exc in listing.unreadable:
        _failed(report, external_id, exc)
    report["cancelled"] += _cancel_vanished(cur, feed, listing, now)
    return report


def _failed(report: dict, external_id: str, exc: Exception) -> None:
    report["failed"] += 1
    if len(report["problems"]) < MAX_PROBLEMS:
        report["problems"].append({"uid": external_id, **_problem(exc)})


def _apply_one(cur, principal, feed: dict, external_id: str, event, elsewhere: dict) -> str:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        current = sync.load_external(cur, feed["organization_id"], external_id, for_update=True)
        if current is None or current["status"] == "cancelled":
            return "unchanged"
        sync.withdraw(cur, current, "Cancelled in the organizing partner's calendar.")
        return "cancelled"
    data = _EVENT_IN.load(event_body(event, feed))
    if external_id in elsewhere:  # two feeds would take the event from each other on every fetch
        abort_problem(409, "Imported by another feed", f"Your organization's feed {elsewhere[external_id]} already "
                      "brings this event; list it in one feed only.", errors={"UID": ["Listed by two of your feeds."]})
    row, outcome = sync.upsert(cur, principal, feed["organization_id"], external_id, data, calendar_import_id=feed["id"])
    if row["calendar_import_id"] != feed["id"]:  # pushed by id before, or brought by a feed since removed: ours now
        cur.execute("UPDATE events SET calendar_import_id = %s WHERE id = %s", (feed["id"], row["id"]))
    return outcome


def _other_feeds_events(cur, feed: dict) -> dict:
    """External id → feed, for the events another active feed of the organization brings (one
    query per fetch, not per VEVENT): the feed that has an event keeps it, the other is told."""
    cur.execute("""SELECT e.external_id, i.id FROM events e JOIN calendar_imports i ON i.id = e.calendar_import_id
                   WHERE e.external_source = %s AND i.id <> %s AND i.active""", (feed["organization_id"], feed["id"]))
    return {row["external_id"]: row["id"] for row in cur.fetchall()}


def _cancel_vanished(cur, feed: dict, listing: Listing, now: datetime) -> int:
    """Open events this feed brought in that it no longer lists: a single event whose UID is
    gone from the calendar, or an occurrence of a recurring event, within the horizon, that
    the series no longer has. (A single event moved beyond the horizon is still listed.)"""
    cur.execute("""SELECT * FROM events WHERE calendar_import_id = %s AND status IN ('draft', 'scheduled', 'rescheduled')
                   AND ends_at > %s FOR UPDATE""", (feed["id"], now))
    listed = {external_id for external_id, _ in listing.items}
    gone = [row for row in cur.fetchall() if row["external_id"] not in listed and _vanished(row, listing)]
    for current in gone:
        sync.withdraw(cur, current, "No longer in the organizing partner's calendar.")
    return len(gone)


def _vanished(row: dict, listing: Listing) -> bool:
    if row["external_id"] in listing.singles:
        return False  # still in the calendar (it ended by the partner's clock, or it is far ahead)
    series = row["external_id"].rsplit("/", 1)[0]
    if series in listing.broken:
        return False
    if series in listing.recurring:
        return row["starts_at"] <= listing.horizon  # the series was expanded this far and lacks it
    return True


def _problem(exc: Exception) -> dict:
    if isinstance(exc, Problem):
        return {"title": exc.title, "detail": exc.detail, "errors": exc.extra.get("errors", {})}
    if isinstance(exc, ValidationError):
        return {"title": "Invalid event", "detail": "The VEVENT does not make a valid event; see errors.",
                "errors": exc.messages}
    return {"title": "Unreadable VEVENT", "detail": f"{type(exc).__name__}: {exc}", "errors": {}}


def _record(pool, settings: Settings, feed: dict, outcome: str, error: str | None = None) -> dict:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        current = _current(cur, feed)
        if current is None:
            return {}
        if outcome == "failed":  # the error stays on the import: it may quote the URL, which may carry a token
            log.warning("calendar import failed", extra={"import_id": str(feed["id"])})
        return _store(cur, settings, current, feed, outcome, error, current["last_report"], None)


def _store(cur, settings: Settings, current: dict, claimed: dict, outcome: str, error: str | None, report: dict,
           fetched: Fetched | None) -> dict:
    """The outcome, the validators and the next fetch — unless someone asked for one meanwhile
    (POST …/fetch, PATCH): then theirs stands."""
    cur.execute(
        """UPDATE calendar_imports SET last_outcome = %(outcome)s, last_error = %(error)s, last_report = %(report)s,
                  last_fetched_at = now(), claimed_at = NULL,
                  last_applied_at = CASE WHEN %(outcome)s = 'imported' THEN now() ELSE last_applied_at END,
                  next_fetch_at = CASE WHEN next_fetch_at = %(claimed)s THEN now() + %(interval)s ELSE next_fetch_at END,
                  etag = %(etag)s, last_modified = %(last_modified)s, version = version + 1, updated_at = now()
           WHERE id = %(id)s RETURNING *""",  # a new version: a client polling the import with its ETag sees the outcome
        {"outcome": outcome, "error": error, "report": Jsonb(report), "claimed": claimed["next_fetch_at"],
         "interval": timedelta(seconds=settings.calendar_import_interval_seconds),
         "etag": fetched.etag if fetched else current["etag"],
         "last_modified": fetched.last_modified if fetched else current["last_modified"], "id": current["id"]})
    return cur.fetchone()
