"""Partners' own iCalendar feeds: registered, changed or paused, removed, fetched now — and a
fetched feed applied with partner sync's rules (operations/partner_sync.py): the same feed twice
changes nothing and publishes nothing, a changed VEVENT updates its event once, STATUS:CANCELLED
or an event gone from the feed cancels it, and an event the partner lists again is scheduled again.

A feed is applied in one transaction, each VEVENT in a savepoint: one bad VEVENT is reported
against its UID (with what the partner API would have answered), the rest still land.
"""
from __future__ import annotations

from datetime import datetime

import psycopg
from marshmallow import ValidationError

from shared import errors, rows
from shared.auth.principal import Principal
from shared.errors import Conflict, DomainError
from shared.outbound import require_safe_url
from shared.versions import Precondition
from services.events import ical, queries, store
from services.events.operations import partner_sync

MAX_PER_ORGANIZATION = 20
SETTINGS = ("url", "kind", "visibility", "language", "time_zone")  # what the feed's events are made with
MAX_PROBLEMS = 50  # problems kept in an import's report
ITEM_ERRORS = (DomainError, ValidationError, KeyError, ValueError, TypeError, psycopg.Error)
CANCELLED = "Cancelled in the organizing partner's calendar."
VANISHED = "No longer in the organizing partner's calendar."


def _unique_url():
    return errors.unique("Your organization already imports this feed.", errors={"url": ["Already registered."]})


def register(cur, actor: Principal, organization_id, data: dict, *, allow_private: bool) -> dict:
    """A feed for the events worker to fetch at once, then at its interval."""
    require_safe_url(data["url"], allow_private)
    # Two registrations at once must not both find room under the limit.
    cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"calendar-imports:{organization_id}",))
    if queries.calendar_import_count(cur, organization_id) >= MAX_PER_ORGANIZATION:
        raise Conflict("Too many feeds", f"An organization may register up to {MAX_PER_ORGANIZATION} feeds; "
                       "remove one first.")
    with _unique_url():
        return rows.insert(cur, "calendar_imports", {"organization_id": organization_id, "created_by": actor.subject,
                                                     **{name: data[name] for name in SETTINGS}})


def change(cur, actor: Principal, organization_id, import_id, changes: dict, precondition: Precondition, *,
           allow_private: bool) -> dict:
    """A new URL (a rotated private link, say), new defaults, or paused (`active: false`). A new
    URL or new defaults are fetched and applied in full at once, and so is a resumed feed."""
    current = queries.calendar_import(cur, organization_id, import_id, for_update=True)
    precondition.check(current["version"])
    changes = rows.changed(current, changes)
    if not changes:
        return current
    if "url" in changes:
        require_safe_url(changes["url"], allow_private)
    # A fetch in hand loses its claim, so that what it brings is not applied over the change.
    if set(changes) & set(SETTINGS):
        changes.update(etag=None, last_modified=None, next_fetch_at=rows.now(), claimed_at=None)
    elif changes.get("active"):
        changes.update(next_fetch_at=rows.now(), claimed_at=None)
    with _unique_url():
        return rows.update(cur, "calendar_imports", import_id, changes)


def remove(cur, actor: Principal, organization_id, import_id) -> None:
    """Its events stay as they are; a feed registered again that lists their UIDs takes them over."""
    queries.calendar_import(cur, organization_id, import_id, for_update=True)
    cur.execute("DELETE FROM calendar_imports WHERE id = %s", (import_id,))


def fetch_now(cur, actor: Principal, organization_id, import_id) -> dict:
    """Due at the worker's next look, instead of waiting its turn."""
    queries.calendar_import(cur, organization_id, import_id, for_update=True)
    return rows.update(cur, "calendar_imports", import_id, {"next_fetch_at": rows.now(), "claimed_at": None})


def apply(cur, actor: Principal, feed: dict, listing: ical.Listing, now: datetime) -> dict:
    """Apply what the feed lists; the report: created, updated, unchanged, cancelled, failed, and
    the problems of the VEVENTs that failed, by UID."""
    report = {"created": 0, "updated": 0, "unchanged": 0, "cancelled": 0, "failed": 0, "problems": []}
    elsewhere = queries.events_of_other_feeds(cur, feed)
    for external_id, event in listing.items:
        try:
            with cur.connection.transaction():  # a savepoint: a bad VEVENT leaves nothing behind
                report[_apply_one(cur, actor, feed, external_id, event, elsewhere)] += 1
        except ITEM_ERRORS as exc:
            _failed(report, external_id, exc)
    for external_id, exc in listing.unreadable:
        _failed(report, external_id, exc)
    report["cancelled"] += _cancel_vanished(cur, actor, feed, listing, now)
    return report


def _apply_one(cur, actor: Principal, feed: dict, external_id: str, event, elsewhere: dict) -> str:
    if ical.is_cancelled(event):
        return _withdraw(cur, actor, feed, external_id)
    data = ical.event_data(event, feed)
    if external_id in elsewhere:  # two feeds would take the event from each other on every fetch
        raise Conflict("Imported by another feed", f"Your organization's feed {elsewhere[external_id]} already "
                       "brings this event; list it in one feed only.", errors={"UID": ["Listed by two of your feeds."]})
    row, outcome = partner_sync.upsert(cur, actor, feed["organization_id"], external_id, data,
                                       calendar_import_id=feed["id"])
    if row["calendar_import_id"] != feed["id"]:  # pushed by id before, or brought by a feed since removed
        store.adopt(cur, row["id"], feed["id"])
    return outcome


def _withdraw(cur, actor: Principal, feed: dict, external_id: str) -> str:
    current = queries.external_event(cur, feed["organization_id"], external_id, for_update=True)
    if current is None or current["status"] == "cancelled":
        return "unchanged"
    partner_sync.withdraw(cur, actor, current["id"], CANCELLED)
    return "cancelled"


def _cancel_vanished(cur, actor: Principal, feed: dict, listing: ical.Listing, now: datetime) -> int:
    """Open events this feed brought in that it no longer lists: a single event whose UID is
    gone from the calendar, or an occurrence of a recurring event, within the horizon, that
    the series no longer has. (A single event moved beyond the horizon is still listed.)"""
    listed = {external_id for external_id, _ in listing.items}
    gone = [row for row in queries.open_events_of_feed(cur, feed, now)
            if row["external_id"] not in listed and _vanished(row, listing)]
    for row in gone:
        partner_sync.withdraw(cur, actor, row["id"], VANISHED)
    return len(gone)


def _vanished(row: dict, listing: ical.Listing) -> bool:
    if row["external_id"] in listing.singles:
        return False  # still in the calendar (it ended by the partner's clock, or it is far ahead)
    series = row["external_id"].rsplit("/", 1)[0]
    if series in listing.broken:
        return False
    if series in listing.recurring:
        return row["starts_at"] <= listing.horizon  # the series was expanded this far and lacks it
    return True


def _failed(report: dict, external_id: str, exc: Exception) -> None:
    report["failed"] += 1
    if len(report["problems"]) < MAX_PROBLEMS:
        report["problems"].append({"uid": external_id, **_problem(exc)})


def _problem(exc: Exception) -> dict:
    """A VEVENT's failure as its report names it: what the API would have said, where it can."""
    if isinstance(exc, DomainError):
        return {"title": exc.title, "detail": exc.detail, "errors": exc.errors}
    if isinstance(exc, ValidationError):
        return {"title": "Invalid event", "detail": "The VEVENT does not make a valid event; see errors.",
                "errors": exc.messages}
    return {"title": "Unreadable VEVENT", "detail": f"{type(exc).__name__}: {exc}", "errors": {}}
