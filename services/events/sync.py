"""Partner sync's rules, shared by the partner API (PUT/DELETE by the partner's own id) and the
calendar import (by iCalendar UID): an event per (partner organization, external id); the same
body twice changes nothing and publishes nothing; a changed body updates and publishes once; a
withdrawal cancels, never deletes — and the partner's system stays the source of truth, so an
event it withdrew and sends again is scheduled again (`events.event.reinstated`)."""
from __future__ import annotations

import hashlib
import json

from shared import rows
from shared.http.etag import etag
from shared.http.problems import abort_problem
from services.events import rules, times
from services.events.api import shape
from services.events.api.events import cancel_event, change_event, create_event
from services.events.messages import emit


def fingerprint(data: dict) -> str:
    """What the partner sent, canonically: the same body twice has the same fingerprint."""
    return hashlib.sha256(json.dumps(shape.normalize(data), sort_keys=True, default=str).encode()).hexdigest()


def load_external(cur, organization_id, external_id, *, for_update: bool = False) -> dict | None:
    if for_update:  # two first PUTs of one id at once: the second waits and then finds the first's row
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"external:{organization_id}:{external_id}",))
    cur.execute("SELECT * FROM events WHERE external_source = %s AND external_id = %s"
                + (" FOR UPDATE" if for_update else ""), (organization_id, external_id))
    return cur.fetchone()


def upsert(cur, principal, organization_id, external_id: str, data: dict, *, if_match=None,
           **extra) -> tuple[dict, str]:
    """Create or replace the event; (row, "created" | "updated" | "unchanged"). `if_match`
    (werkzeug ETags) refuses to overwrite a version newer than the one it names; `extra` columns
    are set on creation."""
    digest = fingerprint(data)
    current = load_external(cur, organization_id, external_id, for_update=True)
    if current is None:
        row = create_event(cur, principal, data, external_source=organization_id, external_id=external_id,
                           external_hash=digest, **extra)
        return row, "created"
    if if_match and not if_match.contains(f"v{current['version']}"):
        abort_problem(412, "Precondition failed", "The event changed since the version you name; read it again.",
                      headers={"ETag": etag(current["version"])})
    returning = _withdrawn_and_sent_again(current)
    if current["external_hash"] == digest and not returning:
        return current, "unchanged"
    if returning:  # back to a draft, then scheduled below as if new: calendars see a new SEQUENCE
        current = rows.update(cur, "events", current["id"], {
            "status": "draft", "cancelled_at": None, "cancel_reason": None, "withdrawn_by_partner": False,
            "sequence": current["sequence"] + 1})
    data = dict(data)
    wanted_status = data.pop("status")
    row = change_event(cur, current, data, external_hash=digest)
    if row["external_hash"] != digest:  # nothing but the form changed: remember the new body
        row = rows.update(cur, "events", row["id"], {"external_hash": digest})
    if wanted_status == "scheduled" and row["status"] == "draft":
        rules.check_publishable(row)
        rules.check_organizations(cur, row, ("organizer_ids", "host_id"))
        row = rows.update(cur, "events", row["id"], {"status": "scheduled"})
        # Back on: those still registered are told so (their reminders return); new: followers hear of it.
        emit(cur, "event", "reinstated" if returning else "scheduled", row)
    return row, "updated"


def _withdrawn_and_sent_again(current: dict) -> bool:
    """Cancelled by the partner (not by an organizer here) and not over yet."""
    return current["status"] == "cancelled" and current["withdrawn_by_partner"] and current["ends_at"] > times.now()


def withdraw(cur, current: dict, reason: str | None) -> dict:
    """The partner no longer has the event: cancel it (everyone registered is told)."""
    return cancel_event(cur, current, reason or "Withdrawn by the organizing partner.", withdrawn_by_partner=True)
