"""The rules every operation checks against the local copies of the registry: who exists, who
is active, who belongs where. The registry owns these facts; events keeps copies (store.py)."""
from __future__ import annotations

from shared.errors import Conflict, Invalid
from services.events import queries

ORGANIZATION_FIELDS = ("organizer_ids", "host_id", "partner_ids", "invited_ids")


def require_active_organizations(cur, field: str, ids) -> None:
    """Invalid for an organization events has never heard of, Conflict for one that is not active."""
    wanted = {str(i) for i in ids if i}
    if not wanted:
        return
    found = queries.organizations(cur, wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise Invalid("Unknown organization",
                      f"The events service has no record of the organization(s) {', '.join(missing)}; "
                      "organizations come from the registry.",
                      errors={field: [f"Unknown organization {m}." for m in missing]})
    inactive = [row for row in found.values() if row["status"] != "active"]
    if inactive:
        names = ", ".join(f"{row['name']} ({row['id']})" for row in inactive)
        raise Conflict("Organization is not active",
                       f"{names} is deactivated and can no longer organize, host or register.",
                       errors={field: [f"Organization {row['id']} is not active." for row in inactive]})


def require_event_organizations(cur, event: dict, fields=ORGANIZATION_FIELDS) -> None:
    """The organizations an event names in `fields` (those of them it has) are known and active."""
    for field in fields:
        if field in event:
            value = event[field]
            require_active_organizations(cur, field, value if isinstance(value, list) else [value])


def require_active_person(cur, field: str, person_id) -> None:
    person = queries.person(cur, person_id)
    if person is None:
        raise Invalid("Unknown person", f"The events service has no record of the person {person_id}; "
                      "people come from the registry.", errors={field: [f"Unknown person {person_id}."]})
    if person["status"] != "active":
        raise Conflict("Person is not active", f"The person {person_id} is deactivated.",
                       errors={field: ["This person is not active."]})


def require_member(cur, field: str, person_id, organization_id) -> None:
    if not queries.is_member(cur, person_id, organization_id):
        raise Conflict("Not a member of this organization",
                       f"The person {person_id} has no active membership of the organization {organization_id}.",
                       errors={field: ["The person must belong to this organization."]})
