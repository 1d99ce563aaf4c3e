"""Partner sync: an event per (partner organization, external id), written alike by the partner
API (PUT/DELETE by the partner's own id) and the calendar import (by iCalendar UID). The same
body twice changes nothing and publishes nothing; a changed body updates and publishes once; a
withdrawal cancels, never deletes — and the partner's system stays the source of truth, so an
event it withdrew and sends again is scheduled again (`events.event.reinstated`)."""
from __future__ import annotations

import hashlib
import json

from shared import rows
from shared.auth.principal import Principal
from shared.errors import Invalid
from shared.versions import ANY, Precondition
from services.events import queries, store, times
from services.events.operations import events

WITHDRAWN = "Withdrawn by the organizing partner."


def fingerprint(data: dict) -> str:
    """What the partner sent, canonically: the same body twice has the same fingerprint."""
    return hashlib.sha256(json.dumps(store.normalize(data), sort_keys=True, default=str).encode()).hexdigest()


def upsert(cur, actor: Principal, organization_id, external_id: str, data: dict,
           precondition: Precondition = ANY, **extra) -> tuple[dict, str]:
    """Create or replace the event; (row, "created" | "updated" | "unchanged"). `precondition`
    refuses to overwrite a version newer than the one it names; `extra` columns are set on creation."""
    if str(organization_id) not in {str(o) for o in data["organizer_ids"]}:
        raise Invalid("Not your organization's event", "A partner writes the events its organization "
                      "organizes or co-organizes: list it in organizer_ids.",
                      errors={"organizer_ids": [f"Must include {organization_id}."]})
    digest = fingerprint(data)
    current = queries.external_event(cur, organization_id, external_id, for_update=True)
    if current is None:
        row = events.create(cur, actor, data, external_source=organization_id, external_id=external_id,
                            external_hash=digest, **extra)
        return row, "created"
    precondition.check(current["version"])
    returning = _withdrawn_and_sent_again(current)
    if current["external_hash"] == digest and not returning:
        return current, "unchanged"
    if returning:  # back to a draft, then scheduled below as if new: calendars see a new SEQUENCE
        rows.update(cur, "events", current["id"], {
            "status": "draft", "cancelled_at": None, "cancel_reason": None, "withdrawn_by_partner": False,
            "sequence": current["sequence"] + 1})
    changes = dict(data)
    wanted_status = changes.pop("status")
    row = events.change(cur, actor, current["id"], changes, ANY, external_hash=digest)
    if row["external_hash"] != digest:  # nothing but the form changed: remember the new body
        row = rows.update(cur, "events", row["id"], {"external_hash": digest})
    if wanted_status == "scheduled" and row["status"] == "draft":
        # Back on: those still registered are told so (their reminders return); new: followers hear of it.
        row = events.schedule(cur, actor, row["id"], ANY, reinstated=returning)
    return row, "updated"


def withdraw(cur, actor: Principal, event_id, reason: str | None = None) -> dict:
    """The partner no longer has the event: cancel it (everyone registered is told)."""
    return events.cancel(cur, actor, event_id, reason or WITHDRAWN, ANY, withdrawn_by_partner=True)


def _withdrawn_and_sent_again(current: dict) -> bool:
    """Cancelled by the partner (not by an organizer here) and not over yet."""
    return current["status"] == "cancelled" and current["withdrawn_by_partner"] and current["ends_at"] > times.now()
