"""Organizations of the learning community: registered, changed, deactivated."""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.errors import NotActive
from services.registry.messages import emit


def _unique_name(data: dict):
    return errors.unique(f"An organization named {data.get('name')!r} already exists in {data.get('country')}.")


def register(cur, actor: Principal, data: dict) -> dict:
    with _unique_name(data):
        row = rows.insert(cur, "organizations", data)
    emit(cur, "organization", "created", row)
    return row


def change(cur, actor: Principal, organization_id, changes: dict, precondition: Precondition) -> dict:
    current = rows.load_for_change(cur, "organizations", organization_id, "organization", precondition)
    changes = rows.changed(current, changes)
    if not changes:
        return current
    with _unique_name({**current, **changes}):
        row = rows.update(cur, "organizations", organization_id, changes)
    emit(cur, "organization", "updated", row)
    return row


def deactivate(cur, actor: Principal, organization_id, precondition: Precondition) -> dict:
    """Nothing is deleted: its people, memberships and history stay."""
    current = rows.load_for_change(cur, "organizations", organization_id, "organization", precondition)
    if current["status"] == "inactive":
        return current
    row = store.close(cur, "organizations", organization_id, "inactive", "deactivated_at")
    emit(cur, "organization", "deactivated", row)
    return row


def require_active(cur, organization_id) -> dict:
    """The organization, if it can take part in something new (a membership, a partnership, a client)."""
    organization = rows.load(cur, "organizations", organization_id, "organization")
    if organization["status"] != "active":
        raise NotActive("organization", organization)
    return organization
