"""Memberships: a person's tie to an organization (member, employee, volunteer, board, contact)."""
from __future__ import annotations

from shared import errors
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.operations import organizations, people


def add(cur, actor: Principal, data: dict) -> dict:
    organizations.require_active(cur, data["organization_id"])
    people.require_active(cur, data["person_id"])
    return store.register(cur, "membership", data, errors.unique(
        "This person already has an active membership of this kind in this organization."))


def end(cur, actor: Principal, membership_id, precondition: Precondition) -> dict:
    """The record stays as history."""
    return store.close(cur, "membership", membership_id, "ended", precondition)
