"""Who may read and change what in the registry: pure decisions over the caller and the facts a
view looked up (a person's organizations); each refuses with Forbidden."""
from __future__ import annotations

from shared.auth.principal import Principal
from shared.errors import require


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


def require_can_change_organization(principal: Principal, organization_id, changes: dict) -> None:
    """Its admins edit an organization; its roles in the community are a coordinator's call."""
    require_admin_of(principal, organization_id)
    require("roles" not in changes or principal.is_coordinator,
            "Only a coordinator can change an organization's roles in the community.")


def visible_organizations(principal: Principal) -> set[str] | None:
    """Organizations whose people the caller may see; None means all of them."""
    if principal.is_coordinator:
        return None
    return set(principal.admin_of) | set(principal.member_of)


def require_personal_data_reader(principal: Principal, what: str = "personal data") -> None:
    require(not principal.is_partner_client, f"Partner clients cannot read {what}.")


def require_can_register_people(principal: Principal) -> None:
    require(principal.is_coordinator or bool(principal.admin_of),
            "Only a coordinator or an organization admin can register people.")


def require_can_see_person(principal: Principal, person_id, their_organizations: set[str]) -> None:
    """The person, the people of their organizations, and coordinators."""
    if principal.is_coordinator or principal.subject == str(person_id):
        return
    require(bool(visible_organizations(principal) & their_organizations),
            "You can see only yourself and the people of your organizations.")


def require_can_change_person(principal: Principal, person_id, their_organizations: set[str]) -> None:
    """The person, an admin of one of their organizations, and coordinators."""
    if principal.is_coordinator or principal.subject == str(person_id):
        return
    require(bool(set(principal.admin_of) & their_organizations),
            "Only the person, an admin of their organization or a coordinator can do this.")


def require_can_see_membership(principal: Principal, membership: dict) -> None:
    visible = visible_organizations(principal)
    require(visible is None or str(membership["organization_id"]) in visible
            or principal.subject == str(membership["person_id"]),
            "You can see the memberships of your own organizations only.")
