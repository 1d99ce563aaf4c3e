"""Study-visit placements: a participant from a home organization spends 10–15 days at a host
organization (the on-the-job learning program), proposed → confirmed → in_progress → completed,
or cancelled."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.errors import Conflict, Invalid
from shared.versions import Precondition
from services.events.messages import emit
from services.events.operations import community

NEXT = {"proposed": {"confirmed", "cancelled"}, "confirmed": {"in_progress", "completed", "cancelled"},
        "in_progress": {"completed", "cancelled"}, "completed": set(), "cancelled": set()}


def propose(cur, actor: Principal, data: dict) -> dict:
    community.require_active_organizations(cur, "host_organization_id", [data["host_organization_id"]])
    community.require_active_organizations(cur, "home_organization_id", [data["home_organization_id"]])
    community.require_active_person(cur, "participant_id", data["participant_id"])
    community.require_member(cur, "participant_id", data["participant_id"], data["home_organization_id"])
    if data["home_organization_id"] == data["host_organization_id"]:
        raise Invalid("Host is the home organization", "A study visit is spent at another organization.",
                      errors={"host_organization_id": ["Must differ from home_organization_id."]})
    if data.get("event_id"):
        _require_study_visit(cur, data["event_id"])
    row = rows.insert(cur, "placements", {**data, "created_by": actor.subject})
    emit(cur, "placement", "proposed", row)
    return row


def change(cur, actor: Principal, placement_id, changes: dict, precondition: Precondition) -> dict:
    """New dates or goals, or the status moved on; each change says which."""
    current = rows.load_for_change(cur, "placements", placement_id, "placement", precondition)
    changes = rows.changed(current, changes)
    if not changes:
        return current
    if "status" in changes:
        check_next_status(current["status"], changes["status"])
    merged = {**current, **changes}
    if merged["ends_on"] < merged["starts_on"]:
        raise Invalid("End before start", "The visit cannot end before it starts.",
                      errors={"ends_on": ["Must not be before starts_on."]})
    row = rows.update(cur, "placements", placement_id, changes)
    emit(cur, "placement", changes.get("status", "updated"), row)
    return row


def check_next_status(current: str, wanted: str) -> None:
    if wanted not in NEXT[current]:
        raise Conflict("Status cannot change that way", f"A {current} placement cannot become {wanted}.",
                       errors={"status": [f"Allowed next: {', '.join(sorted(NEXT[current])) or 'none'}."]})


def _require_study_visit(cur, event_id) -> None:
    event = rows.get(cur, "events", event_id)
    if event is None or event["kind"] != "study_visit":
        raise Invalid("Not a study visit", "event_id must name a study-visit event.",
                      errors={"event_id": ["Not a study-visit event."]})
