"""Who may see and manage what in the archive.

Every read and download checks the item's visibility: public (anyone), members (anyone in the
community), participants (the people registered for a linked event — safe spaces stay inside).
Only a coordinator or an admin of the organizing organization publishes or withdraws; drafts are
theirs alone.
"""
from __future__ import annotations

import uuid

from shared.auth.flask import require
from shared.auth.principal import Principal


def person_of(principal: Principal | None) -> uuid.UUID | None:
    if principal is None or principal.is_partner_client:
        return None
    try:
        return uuid.UUID(principal.subject)
    except ValueError:
        return None


def is_member(principal: Principal | None) -> bool:
    if principal is None:
        return False
    if principal.is_partner_client:
        return principal.has_scope("archive:read")
    return principal.is_coordinator or bool(principal.member_of or principal.admin_of)


def owners(cur, item: dict) -> set[str]:
    """The organizations that manage an item: its own, and the organizers of its events."""
    ids = {str(o) for o in item["organization_ids"]}
    if item["event_ids"]:
        cur.execute("SELECT DISTINCT unnest(organizer_ids)::text AS id FROM events WHERE id = ANY(%s)",
                    (item["event_ids"],))
        ids |= {row["id"] for row in cur.fetchall()}
    return ids


def can_manage(cur, principal: Principal | None, item: dict) -> bool:
    if principal is None or principal.is_partner_client:
        return False
    return principal.is_coordinator or bool(set(principal.admin_of) & owners(cur, item))


def is_participant(cur, principal: Principal | None, item: dict) -> bool:
    person = person_of(principal)
    if person is None or not item["event_ids"]:
        return False
    cur.execute("SELECT 1 FROM registrations WHERE person_id = %s AND status = 'registered' AND event_id = ANY(%s)",
                (person, item["event_ids"]))
    return cur.fetchone() is not None


def can_read(cur, principal: Principal | None, item: dict) -> bool:
    if can_manage(cur, principal, item):
        return True
    if item["status"] != "published":
        return False
    if item["visibility"] == "public":
        return True
    if item["visibility"] == "members":
        return is_member(principal)
    return is_participant(cur, principal, item)


def require_manager(cur, principal: Principal, item: dict) -> None:
    require(can_manage(cur, principal, item),
            "Only a coordinator or an admin of the organizing organization can do this.")


def visibility_condition(principal: Principal | None) -> tuple[str, dict]:
    """SQL (with named parameters) for the items a caller may find in a list or a search."""
    if principal is not None and principal.is_coordinator:
        return "TRUE", {}
    visible = ["'public'"] + (["'members'"] if is_member(principal) else [])
    person = person_of(principal)
    admin = sorted(principal.admin_of) if principal is not None and not principal.is_partner_client else []
    clause = (f"((status = 'published' AND (visibility IN ({', '.join(visible)})"
              " OR (visibility = 'participants' AND event_ids && ARRAY(SELECT event_id FROM registrations"
              " WHERE person_id = %(viewer)s AND status = 'registered'))))"
              " OR organization_ids && %(viewer_admin_of)s::uuid[]"
              " OR event_ids && ARRAY(SELECT id FROM events WHERE organizer_ids && %(viewer_admin_of)s::uuid[]))")
    return clause, {"viewer": person, "viewer_admin_of": admin}
