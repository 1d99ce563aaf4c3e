"""Checks against the local copies of the registry: who exists, who is active, who belongs where."""
from __future__ import annotations

import uuid

from shared.http.problems import abort_problem


def require_active_organizations(cur, field: str, ids) -> None:
    """422 for an organization events has never heard of, 409 for one that is not active."""
    wanted = {str(i) for i in ids if i}
    if not wanted:
        return
    cur.execute("SELECT id::text AS id, name, status FROM organizations WHERE id = ANY(%s::uuid[])", (list(wanted),))
    found = {row["id"]: row for row in cur.fetchall()}
    missing = sorted(wanted - set(found))
    if missing:
        abort_problem(422, "Unknown organization",
                      f"The events service has no record of the organization(s) {', '.join(missing)}; "
                      "organizations come from the registry.",
                      errors={field: [f"Unknown organization {m}." for m in missing]})
    inactive = [row for row in found.values() if row["status"] != "active"]
    if inactive:
        names = ", ".join(f"{row['name']} ({row['id']})" for row in inactive)
        abort_problem(409, "Organization is not active",
                      f"{names} is deactivated and can no longer organize, host or register.",
                      errors={field: [f"Organization {row['id']} is not active." for row in inactive]})


def require_active_person(cur, field: str, person_id) -> dict:
    cur.execute("SELECT * FROM people WHERE id = %s", (person_id,))
    person = cur.fetchone()
    if person is None:
        abort_problem(422, "Unknown person", f"The events service has no record of the person {person_id}; "
                      "people come from the registry.", errors={field: [f"Unknown person {person_id}."]})
    if person["status"] != "active":
        abort_problem(409, "Person is not active", f"The person {person_id} is deactivated.",
                      errors={field: ["This person is not active."]})
    return person


def is_member(cur, person_id, organization_id) -> bool:
    cur.execute("SELECT 1 FROM memberships WHERE person_id = %s AND organization_id = %s AND status = 'active'",
                (person_id, organization_id))
    return cur.fetchone() is not None


def require_member(cur, field: str, person_id, organization_id) -> None:
    if not is_member(cur, person_id, organization_id):
        abort_problem(409, "Not a member of this organization",
                      f"The person {person_id} has no active membership of the organization {organization_id}.",
                      errors={field: ["The person must belong to this organization."]})


def as_person_id(subject: str) -> uuid.UUID | None:
    """The caller's person id, when the token's subject is one (partner clients are not people)."""
    try:
        return uuid.UUID(subject)
    except (ValueError, TypeError):
        return None
