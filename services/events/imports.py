"""Partners' own iCalendar feeds: the events worker fetches each registered feed and upserts its
events by UID, with partner sync's rules (services/events/sync.py): the same feed twice changes
nothing and publishes nothing, a changed VEVENT updates its event once, STATUS:CANCELLED or a
future event gone from the feed cancels it.

- Fetching: through shared/http/outbound (public addresses only, pinned, no redirects), with
  If-None-Match / If-Modified-Since so an unchanged feed costs a 304; at most
  `calendar_import_max_bytes`.
- Recurring events (RRULE, RDATE, EXDATE, moved occurrences) become one event per occurrence
  within `calendar_import_horizon_days`, keyed UID/RECURRENCE-ID; events starting later arrive as
  the horizon reaches them.
- Claiming: an import due for a fetch is claimed with FOR UPDATE SKIP LOCKED and its next fetch
  pushed past a lease before the network is touched, so several workers never fetch one feed at
  once and a worker that dies mid-import only delays it. The whole feed is applied in one
  transaction, each VEVENT in a savepoint: one bad VEVENT is reported, the rest still land.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import icalendar
import recurring_ical_events
import requests
from marshmallow import ValidationError
from psycopg.types.json import Jsonb

from shared.auth.principal import Principal
from shared.config import Settings
from shared.http import outbound
from shared.http.problems import Problem
from services.events import sync, times
from services.events.schemas import TAG, EventIn

log = logging.getLogger(__name__)
CHECK_SECONDS = 30.0         # how often the worker looks for feeds due (each has its own interval)
LEASE = timedelta(minutes=5)  # a claimed import is not claimed again before this, should its worker die
MAX_PROBLEMS = 50            # problems kept in an import's report
EXTERNAL_ID_MAX = 200
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
    try:
        addresses = outbound.resolve(url, settings.calendar_import_allow_private)  # DNS may have changed
        with outbound.session(addresses) as session, session.get(
                url, headers=headers, timeout=settings.calendar_import_timeout_seconds, allow_redirects=False,
                stream=True) as response:
            if response.status_code == 304:
                return Fetched(None, etag, last_modified)
            if response.status_code != 200:
                raise FetchFailed(f"The feed answered HTTP {response.status_code}.")
            body = _read_capped(response, settings.calendar_import_max_bytes)
            return Fetched(body, response.headers.get("ETag"), response.headers.get("Last-Modified"))
    except (outbound.UnsafeUrl, requests.RequestException) as exc:
        raise FetchFailed(str(exc)) from exc


def _read_capped(response, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(65536):
        size += len(chunk)
        if size > limit:
            raise FetchFailed(f"The feed is larger than {limit:,} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


# --- From VEVENTs to event bodies ------------------------------------------------------------

def occurrences(body: bytes, horizon_days: int, now: datetime) -> list[tuple[str, icalendar.Event]]:
    """(external id, VEVENT) of every event or occurrence that ends after `now` and starts within
    the horizon. ValueError when the body is not iCalendar."""
    calendar = icalendar.Calendar.from_ical(body)
    recurring = {str(e.get("UID")) for e in calendar.walk("VEVENT")
                 if "RRULE" in e or "RDATE" in e or "RECURRENCE-ID" in e}
    found = []
    for event in recurring_ical_events.of(calendar).between(now, now + timedelta(days=horizon_days)):
        uid = str(event.get("UID") or "")
        if not uid:
            continue  # a VEVENT without UID cannot be followed from one fetch to the next
        if uid in recurring:
            uid = f"{uid}/{_instant_id(event['RECURRENCE-ID'].dt)}"
        found.append((_external_id(uid), event))
    return found


def _instant_id(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ") if value.tzinfo else value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _external_id(uid: str) -> str:
    """UIDs may be anything; a long one is kept as its hash."""
    return uid if len(uid) <= EXTERNAL_ID_MAX else "sha256:" + hashlib.sha256(uid.encode()).hexdigest()


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


def _title_and_description(event, language: str) -> dict:
    summary = str(event.get("SUMMARY") or "").strip()
    out = {"title": {language: summary[:300]} if summary else {}}
    description = str(event.get("DESCRIPTION") or "").strip()
    if description:
        out["description"] = {language: description[:20000]}
    return out


def _times(event, default_zone: str) -> dict:
    start = event["DTSTART"].dt
    end = event["DTEND"].dt if "DTEND" in event else (
        start + event["DURATION"].dt if "DURATION" in event else start + (timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)))
    if not isinstance(start, datetime):  # an all-day event: midnight to midnight in the partner's zone
        start, end = datetime.combine(start, datetime.min.time()), datetime.combine(end, datetime.min.time())
    if start.tzinfo is None:  # floating time: the partner's wall clock
        return {"time_zone": default_zone, "starts_local": start.isoformat(), "ends_local": end.isoformat()}
    zone = getattr(start.tzinfo, "key", None)
    if not zone or zone in ("UTC", "Etc/UTC") or not times.is_zone(zone):
        zone = default_zone  # instants in UTC (or an unknown zone): shown in the partner's own zone
    return {"time_zone": zone, "starts_at": start.isoformat(), "ends_at": end.astimezone(start.tzinfo).isoformat()}


def _place(event) -> dict:
    location = str(event.get("LOCATION") or "").strip()
    link = str(event.get("URL") or "").strip()
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

def fetch_due(pool, settings: Settings) -> int:
    """Fetch and apply every import that is due; the number handled. The worker's timer."""
    handled = 0
    while (feed := _claim(pool)) is not None:
        run(pool, settings, feed)
        handled += 1
    return handled


def _claim(pool) -> dict | None:
    with pool.connection() as conn:
        return conn.execute(
            """UPDATE calendar_imports SET next_fetch_at = now() + %s
               WHERE id = (SELECT id FROM calendar_imports WHERE active AND next_fetch_at <= now()
                           ORDER BY next_fetch_at LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING *""", (LEASE,)).fetchone()


def run(pool, settings: Settings, feed: dict) -> dict:
    """Fetch one feed and apply it; its outcome as stored on the import."""
    try:
        fetched = fetch(settings, feed["url"], feed["etag"], feed["last_modified"])
    except FetchFailed as exc:
        return _record(pool, settings, feed, outcome="failed", error=str(exc))
    if fetched.body is None:
        return _record(pool, settings, feed, outcome="not_modified")
    now = datetime.now(timezone.utc)
    try:
        items = occurrences(fetched.body, settings.calendar_import_horizon_days, now)
    except ValueError as exc:
        return _record(pool, settings, feed, outcome="failed", error=f"Not an iCalendar feed: {exc}")
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT * FROM calendar_imports WHERE id = %s AND active FOR UPDATE", (feed["id"],))
        current = cur.fetchone()
        if current is None:  # removed or paused while we fetched
            return {}
        report = _apply(cur, current, items, now + timedelta(days=settings.calendar_import_horizon_days))
        return _store(cur, settings, current, "imported", None, report, fetched)


def _apply(cur, feed: dict, items: list[tuple[str, icalendar.Event]], horizon: datetime) -> dict:
    principal = Principal(subject=f"calendar-import:{feed['id']}", roles=frozenset({"partner_client"}),
                          scopes=frozenset({"events:write"}), organization=str(feed["organization_id"]))
    report = {"created": 0, "updated": 0, "unchanged": 0, "cancelled": 0, "failed": 0, "problems": []}
    seen = set()
    for external_id, event in items:
        seen.add(external_id)
        try:
            with cur.connection.transaction():  # a savepoint: a bad VEVENT leaves nothing behind
                report[_apply_one(cur, principal, feed, external_id, event)] += 1
        except (Problem, ValidationError, KeyError, ValueError, TypeError) as exc:
            report["failed"] += 1
            if len(report["problems"]) < MAX_PROBLEMS:
                report["problems"].append({"uid": external_id, **_problem(exc)})
    report["cancelled"] += _cancel_vanished(cur, feed, seen, horizon)
    return report


def _apply_one(cur, principal, feed: dict, external_id: str, event) -> str:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        current = sync.load_external(cur, feed["organization_id"], external_id, for_update=True)
        if current is None or current["status"] == "cancelled":
            return "unchanged"
        sync.withdraw(cur, current, "Cancelled in the organizing partner's calendar.")
        return "cancelled"
    data = _EVENT_IN.load(event_body(event, feed))
    row, outcome = sync.upsert(cur, principal, feed["organization_id"], external_id, data, calendar_import_id=feed["id"])
    if row["calendar_import_id"] != feed["id"]:  # pushed by id before, or brought by a feed since removed: ours now
        cur.execute("UPDATE events SET calendar_import_id = %s WHERE id = %s", (feed["id"], row["id"]))
    return outcome


def _cancel_vanished(cur, feed: dict, seen: set[str], horizon: datetime) -> int:
    """Future events this feed brought in that it no longer lists (within the horizon, where it
    would list them): the partner deleted them."""
    cur.execute("""SELECT * FROM events WHERE calendar_import_id = %s AND status IN ('draft', 'scheduled', 'rescheduled')
                   AND ends_at > now() AND starts_at < %s AND NOT (external_id = ANY(%s)) FOR UPDATE""",
                (feed["id"], horizon, list(seen)))
    gone = cur.fetchall()
    for current in gone:
        sync.withdraw(cur, current, "No longer in the organizing partner's calendar.")
    return len(gone)


def _problem(exc: Exception) -> dict:
    if isinstance(exc, Problem):
        return {"title": exc.title, "detail": exc.detail, "errors": exc.extra.get("errors", {})}
    if isinstance(exc, ValidationError):
        return {"title": "Invalid event", "detail": "The VEVENT does not make a valid event; see errors.",
                "errors": exc.messages}
    return {"title": "Unreadable VEVENT", "detail": f"{type(exc).__name__}: {exc}", "errors": {}}


def _record(pool, settings: Settings, feed: dict, *, outcome: str, error: str | None = None) -> dict:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT * FROM calendar_imports WHERE id = %s AND active FOR UPDATE", (feed["id"],))
        current = cur.fetchone()
        if current is None:
            return {}
        if outcome == "failed":  # the error stays on the import: it may quote the URL, which may carry a token
            log.warning("calendar import failed", extra={"import_id": str(feed["id"])})
        return _store(cur, settings, current, outcome, error, current["last_report"], None)


def _store(cur, settings: Settings, feed: dict, outcome: str, error: str | None, report: dict,
           fetched: Fetched | None) -> dict:
    cur.execute(
        """UPDATE calendar_imports SET last_outcome = %s, last_error = %s, last_report = %s, last_fetched_at = now(),
                  next_fetch_at = now() + %s, etag = %s, last_modified = %s, version = version + 1, updated_at = now()
           WHERE id = %s RETURNING *""",  # a new version: a client polling the import with its ETag sees the outcome
        (outcome, error, Jsonb(report), timedelta(seconds=settings.calendar_import_interval_seconds),
         fetched.etag if fetched else feed["etag"], fetched.last_modified if fetched else feed["last_modified"],
         feed["id"]))
    return cur.fetchone()
