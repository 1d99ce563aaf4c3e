"""Organizations of the learning community: registered, changed, deactivated."""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.registry import store
from services.registry.errors import NotActive


def _unique_name(data: dict):
    return errors.unique(f"An organization named {data.get('name')!r} already exists in {data.get('country')}.")


def register(cur, actor: Principal, data: dict) -> dict:
    return store.register(cur, "organization", data, _unique_name(data))


def change(cur, actor: Principal, organization_id, changes: dict, precondition: Precondition) -> dict:
    return store.change(cur, "organization", organization_id, changes, precondition, _unique_name)


def deactivate(cur, actor: Principal, organization_id, precondition: Precondition) -> dict:
    """Nothing is deleted: its people, memberships and history stay."""
    return store.close(cur, "organization", organization_id, "inactive", precondition)


def require_active(cur, organization_id) -> dict:
    """The organization, if it can take part in something new (a membership, a partnership, a client)."""
    organization = rows.load(cur, "organizations", organization_id, "organization")
    if organization["status"] != "active":
        raise NotActive("organization", organization)
    return organization
