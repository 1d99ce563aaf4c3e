"""Memberships: a person's tie to an organization (member, employee, volunteer, board, contact).

Joining an organization needs consent. A coordinator (or the platform itself) attaches a person
directly; an organization's admin attaches directly only a person who already belongs to that
organization, and otherwise invites them (access.membership_needs_consent). An invitation gives the
organization no right over the person — every read of memberships that grants rights counts active
ones only — until the person, signed in, accepts it.

Messages: an invitation makes none on the bus. The other services learn of a membership once it is
active: `registry.membership.created` when a coordinator attaches directly or when the person
accepts, `registry.membership.ended` when an active one ends. A declined or withdrawn invitation was
never known outside the registry and makes no message either. The person invited gets an email from
the registry's worker (account_emails, kind `invitation`).
"""
from __future__ import annotations

from shared import errors, rows
from shared.auth import revocations
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import access, queries, store
from services.registry.messages import emit
from services.registry.operations import organizations, people


def _unique():
    return errors.unique("This person already has an active membership or a pending invitation of this kind "
                         "in this organization.")


def add(cur, actor: Principal, data: dict) -> dict:
    """An active membership, or an invitation (status `invited`) when it needs the person's consent."""
    organizations.require_active(cur, data["organization_id"])
    people.require_active(cur, data["person_id"])
    already = str(data["organization_id"]) in queries.organizations_of_person(cur, data["person_id"])
    if not access.membership_needs_consent(actor, already):
        return store.register(cur, "membership", data, _unique())
    row = store.register(cur, "membership", {**data, "status": "invited", "invited_by": actor.subject}, _unique(),
                         announce=False)
    rows.insert(cur, "account_emails", {"kind": "invitation", "person_id": row["person_id"],
                                        "membership_id": row["id"]})
    return row


def _invitation(cur, membership_id) -> dict:
    row = rows.load(cur, "memberships", membership_id, "membership", for_update=True)
    if row["status"] != "invited":
        raise errors.Conflict("Not a pending invitation",
                              f"This membership is {row['status']}; only a pending invitation can be answered.")
    return row


def accept(cur, actor: Principal, membership_id) -> dict:
    """The person joins: the membership is active from now on, and the other services learn of it."""
    invitation = _invitation(cur, membership_id)
    organizations.require_active(cur, invitation["organization_id"])
    people.require_active(cur, invitation["person_id"])
    row = rows.update(cur, "memberships", membership_id, {"status": "active", "answered_at": rows.now()})
    emit(cur, "membership", "created", row)
    return row


def decline(cur, actor: Principal, membership_id) -> dict:
    """The person says no; the organization never had any right over them, and nothing is published."""
    _invitation(cur, membership_id)
    return rows.update(cur, "memberships", membership_id, {"status": "declined", "answered_at": rows.now()})


def end(cur, actor: Principal, membership_id, precondition: Precondition) -> dict:
    """An active membership ends (the record stays as history) and the person's tokens, which named
    the organization, stop everywhere; a pending invitation is withdrawn (nothing was published);
    one that is over already stays as it is."""
    current = rows.load_for_change(cur, "memberships", membership_id, "membership", precondition)
    if current["status"] == "invited":
        return store.close(cur, "membership", membership_id, "withdrawn", precondition, announce=False)
    if current["status"] != "active":
        return current
    row = store.close(cur, "membership", membership_id, "ended", precondition)
    revocations.record(cur, str(row["person_id"]), "membership ended")
    return row
