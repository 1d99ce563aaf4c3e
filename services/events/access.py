"""Who may see, schedule and change what in the events service.

A coordinator schedules anything; an organization admin schedules for their own organization;
a partner client with `events:write` writes the events its organization organizes; members
register themselves. Visibility: public (anyone, even without a token), members (anyone in the
community), invitation (the organizing, hosting, partner and invited organizations, and the
people registered).
"""
from __future__ import annotations

from shared.auth.flask import require
from shared.auth.principal import Principal

LIVE = ("scheduled", "rescheduled", "completed", "cancelled")  # every status but draft


def organizations_of(principal: Principal | None) -> set[str]:
    """The organizations on whose behalf the caller acts."""
    if principal is None:
        return set()
    if principal.is_partner_client:
        return {principal.organization} if principal.organization else set()
    return set(principal.member_of) | set(principal.admin_of)


def is_community_member(principal: Principal | None) -> bool:
    if principal is None:
        return False
    if principal.is_partner_client:
        return principal.has_scope("events:read") or principal.has_scope("events:write")
    return principal.is_coordinator or bool(organizations_of(principal))


def _administered(principal: Principal) -> set[str]:
    if principal.is_partner_client:
        return {principal.organization} if principal.has_scope("events:write") and principal.organization else set()
    return set(principal.admin_of)


def can_manage(principal: Principal | None, event: dict) -> bool:
    """Change, reschedule, cancel, see drafts, record attendance, read all feedback."""
    if principal is None:
        return False
    if principal.is_coordinator:
        return True
    return bool(_administered(principal) & {str(o) for o in event["organizer_ids"]})


def require_can_schedule_for(principal: Principal, organizer_ids) -> None:
    if principal.is_partner_client:
        require(principal.has_scope("events:write"), "This client lacks the events:write scope.")
    allowed = principal.is_coordinator or bool(_administered(principal) & {str(o) for o in organizer_ids})
    require(allowed, "Only a coordinator, or an admin of one of the organizing organizations, can do this.")


def require_manager(principal: Principal, event: dict) -> None:
    require(can_manage(principal, event),
            "Only a coordinator or an admin of an organizing organization can change this event.")


def involved(event: dict) -> set[str]:
    ids = [*event["organizer_ids"], *event["partner_ids"], *event["invited_ids"]]
    if event.get("host_id"):
        ids.append(event["host_id"])
    return {str(i) for i in ids}


def can_see(principal: Principal | None, event: dict, registered: bool = False) -> bool:
    if can_manage(principal, event):
        return True
    if event["status"] == "draft":
        return False
    if event["visibility"] == "public":
        return True
    if event["visibility"] == "members":
        return is_community_member(principal)
    return registered or bool(organizations_of(principal) & involved(event))


def visibility_condition(principal: Principal | None) -> tuple[str, tuple]:
    """The SQL condition (with its parameters) for the events a caller may see in a list."""
    if principal is not None and principal.is_coordinator:
        return "TRUE", ()
    mine = sorted(organizations_of(principal))
    managed = sorted(_administered(principal)) if principal is not None else []
    visible = ["'public'"] + (["'members'"] if is_community_member(principal) else [])
    live = f"(status <> 'draft' AND (visibility IN ({', '.join(visible)})"
    live += (" OR organizer_ids && %s::uuid[] OR partner_ids && %s::uuid[] OR invited_ids && %s::uuid[]"
             " OR host_id = ANY(%s::uuid[])))")
    return f"({live} OR organizer_ids && %s::uuid[])", (mine, mine, mine, mine, managed)
