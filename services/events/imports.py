"""The events worker's calendar import: it fetches each partner's registered iCalendar feed when
due, reads it (services/events/ical.py) and applies it through the same operations as the API
(operations/calendar_imports.py), as `system:calendar-import` on behalf of the feed's organization.

- Fetching: through shared/outbound (public addresses only, pinned, no redirects), with
  If-None-Match / If-Modified-Since so an unchanged feed costs a 304 — except once a day, when it
  is applied again in full so that recurring events keep arriving as the horizon moves. At most
  `calendar_import_max_bytes`, within `calendar_import_timeout_seconds` in all.
- Claiming: an import due for a fetch is claimed (shared/leases.py) before the network is touched,
  so several workers never fetch one feed at once and a worker that dies mid-import only delays
  it by the lease. A change to the import made meanwhile (a new URL, "fetch now") wins over the
  fetch in hand.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from time import monotonic

import requests
import urllib3

from shared import leases, outbound
from shared.auth.principal import Principal
from shared.config import Settings
from services.events import ical, queries, store
from services.events.operations import calendar_imports

log = logging.getLogger(__name__)
CHECK_SECONDS = 30.0                 # how often the worker looks for feeds due (each has its own interval)
LEASE = timedelta(minutes=5)         # a claimed import is not claimed again before this, should its worker die
REAPPLY = timedelta(days=1)          # an unchanged feed is still applied in full this often
FEEDS = leases.Due("calendar_imports", when="active AND next_fetch_at <= now() AND claimed_at IS NULL",
                   eligible="active", order="next_fetch_at")


class FetchFailed(Exception):
    pass


@dataclass
class Fetched:
    body: bytes | None  # None: not modified since the validators we sent
    etag: str | None
    last_modified: str | None


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
        listing = ical.occurrences(fetched.body, feed["time_zone"], now,
                                   horizon=timedelta(days=settings.calendar_import_horizon_days),
                                   max_events=settings.calendar_import_max_events)
    except (FetchFailed, ical.TooManyEvents) as exc:
        return _record(pool, settings, feed, "failed", str(exc))
    except Exception as exc:  # whatever a malformed feed makes the parser raise, it is the feed's failure
        return _record(pool, settings, feed, "failed", f"Not a readable iCalendar feed: {type(exc).__name__}: {exc}")
    try:
        with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            current = _current(cur, feed)
            if current is None:
                return {}
            actor = Principal.system("calendar-import", organization=current["organization_id"])
            report = calendar_imports.apply(cur, actor, current, listing, now)
            return _store(cur, settings, current, feed, "imported", report=report, fetched=fetched)
    except Exception:  # one feed must not stop the others; nothing of it was written
        log.exception("calendar import crashed", extra={"import_id": str(feed["id"])})
        return _record(pool, settings, feed, "failed", "The import failed unexpectedly; it will be tried again.")


def _current(cur, feed: dict) -> dict | None:
    """The import, locked, if it still is the one claimed (and still this worker's claim): not
    removed, paused or moved to another URL."""
    if not leases.hold(cur.connection, FEEDS, feed):
        return None
    current = queries.active_import(cur, feed["id"])
    return current if current is not None and current["url"] == feed["url"] else None


def _record(pool, settings: Settings, feed: dict, outcome: str, error: str | None = None) -> dict:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        current = _current(cur, feed)
        if current is None:
            return {}
        if outcome == "failed":  # the error stays on the import: it may quote the URL, which may carry a token
            log.warning("calendar import failed", extra={"import_id": str(feed["id"])})
        return _store(cur, settings, current, feed, outcome, error=error, report=current["last_report"])


def _store(cur, settings: Settings, current: dict, claimed: dict, outcome: str, *, error: str | None = None,
           report: dict, fetched: Fetched | None = None) -> dict:
    validators = (fetched.etag, fetched.last_modified) if fetched else (current["etag"], current["last_modified"])
    return store.record_fetch(cur, current, claimed, outcome, error=error, report=report, validators=validators,
                              interval=timedelta(seconds=settings.calendar_import_interval_seconds))


# --- Fetching ---------------------------------------------------------------------------------

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
