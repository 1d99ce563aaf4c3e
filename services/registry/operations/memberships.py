"""Memberships: a person's tie to an organization (member, employee, volunteer, board, contact)."""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.messages import emit
from services.registry.operations import organizations, people


def add(cur, actor: Principal, data: dict) -> dict:
    organizations.require_active(cur, data["organization_id"])
    people.require_active(cur, data["person_id"])
    with errors.unique("This person already has an active membership of this kind in this organization."):
        row = rows.insert(cur, "memberships", data)
    emit(cur, "membership", "created", row)
    return row


def end(cur, actor: Principal, membership_id, precondition: Precondition) -> dict:
    """The record stays as history."""
    current = rows.load_for_change(cur, "memberships", membership_id, "membership", precondition)
    if current["status"] == "ended":
        return current
    row = store.close(cur, "memberships", membership_id, "ended", "ended_at")
    emit(cur, "membership", "ended", row)
    return row
