"""Platform roles (the coordinator role), granted and withdrawn by coordinators. Every grant is kept
with who granted it and when, and who withdrew it and when. A withdrawal stops the person's tokens
everywhere (they named the role); their next token, by refresh, carries what they hold then.

The community never runs out of coordinators: the last active grant of the role cannot be withdrawn
(also not by the coordinator holding it).
"""
from __future__ import annotations

from shared import errors, rows
from shared.auth import revocations
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import queries
from services.registry.messages import emit
from services.registry.operations import people

ROLES = ("coordinator",)


def grant(cur, actor: Principal, person_id, role: str) -> dict:
    people.require_active(cur, person_id)
    with errors.unique(f"This person holds the {role} role already."):
        row = rows.insert(cur, "role_grants", {"person_id": person_id, "role": role, "granted_by": actor.subject})
    emit(cur, "role", "granted", row)
    return row


def may_withdraw(role: str, other_holders: int) -> bool:
    """A role may be withdrawn unless it is the last coordinator's."""
    return role != "coordinator" or other_holders > 0


def withdraw(cur, actor: Principal, person_id, grant_id, precondition: Precondition) -> dict:
    # two withdrawals at once: the second counts after the first
    cur.execute("SELECT pg_advisory_xact_lock(hashtext('registry.role_grants'))")
    current = rows.load_for_change(cur, "role_grants", grant_id, "role grant", precondition)
    if current["person_id"] != person_id:
        raise errors.not_found("role grant", grant_id)
    if current["status"] == "withdrawn":
        return current
    if not may_withdraw(current["role"], queries.other_role_holders(cur, current["role"], grant_id)):
        raise errors.Conflict("Last coordinator", "This is the community's last coordinator: grant the role to "
                              "someone else before withdrawing it.")
    row = rows.update(cur, "role_grants", grant_id, {"status": "withdrawn", "withdrawn_by": actor.subject,
                                                     "withdrawn_at": rows.now()})
    emit(cur, "role", "withdrawn", row)
    revocations.record(cur, str(person_id), "role withdrawn")
    return row
