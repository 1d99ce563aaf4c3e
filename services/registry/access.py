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


def require_can_register_person(principal: Principal, organization_id) -> None:
    """Coordinators register anyone; an organization's admin registers new people for an organization
    they administer (the person and their membership of it together)."""
    if principal.is_coordinator:
        return
    require(bool(principal.admin_of), "Only a coordinator or an organization admin can register people.")
    require(organization_id is not None and principal.can_admin(str(organization_id)),
            "An organization admin registers people for an organization they administer: give its organization_id.")


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
    """The memberships of one's organizations and one's own; an invitation that was never accepted
    (pending, declined, withdrawn) only its organization's admins and the person invited."""
    if principal.is_coordinator or principal.subject == str(membership["person_id"]):
        return
    if membership["status"] in NEVER_ACCEPTED:
        require(principal.can_admin(str(membership["organization_id"])),
                "Only the person invited and the organization's admins can see an invitation.")
    require(str(membership["organization_id"]) in visible_organizations(principal),
            "You can see the memberships of your own organizations only.")


# --- Joining an organization needs consent --------------------------------------------------------

NEVER_ACCEPTED = ("invited", "declined", "withdrawn")


def membership_needs_consent(principal: Principal, already_in_organization: bool) -> bool:
    """Whether a membership asked for by `principal` waits for the person's acceptance. A coordinator
    (or the platform itself: the demo, an import) attaches directly; an organization's admin attaches
    directly only a person who already belongs to that organization (another kind of membership gives
    it no new right over them), and invites anyone else."""
    return not (principal.is_coordinator or principal.is_system or already_in_organization)


def require_invitee(principal: Principal, membership: dict) -> None:
    """Only the person invited answers an invitation: no one accepts on their behalf."""
    require(principal.subject == str(membership["person_id"]) and not principal.is_partner_client,
            "Only the person invited can answer an invitation.")


def require_can_end_membership(principal: Principal, membership: dict) -> None:
    """A coordinator, an admin of the organization (ending it, or withdrawing an invitation), and the
    person themselves (leaving the organization)."""
    if principal.subject == str(membership["person_id"]) and not principal.is_partner_client:
        return
    require_admin_of(principal, membership["organization_id"])


def require_person(principal: Principal):
    """The person acting (their own account, sessions and invitations): a person's token, not a system's."""
    require(principal.person_id is not None, "Only a person's own token reaches their account.")
    return principal.person_id
