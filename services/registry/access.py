"""Who may read and change what in the registry."""
from __future__ import annotations

from shared.auth.flask import require
from shared.auth.principal import Principal


def require_reader(principal: Principal) -> None:
    """Community members read the directory; partner clients need the registry:read scope."""
    if principal.is_partner_client:
        require(principal.has_scope("registry:read"), "This client lacks the registry:read scope.")
    else:
        require(principal.is_coordinator or bool(principal.member_of) or bool(principal.admin_of),
                "Only members of the community can read the registry.")


def require_coordinator(principal: Principal) -> None:
    require(principal.is_coordinator, "Only a coordinator can do this.")


def require_admin_of(principal: Principal, *organization_ids) -> None:
    """A coordinator, or an admin of any one of the organizations named."""
    allowed = principal.is_coordinator or any(principal.can_admin(str(o)) for o in organization_ids)
    require(allowed, "Only a coordinator or an admin of this organization can do this.")


def visible_organizations(principal: Principal) -> set[str] | None:
    """Organizations whose people the caller may see; None means all of them."""
    if principal.is_coordinator:
        return None
    return set(principal.admin_of) | set(principal.member_of)
