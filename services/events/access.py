"""Who may see, schedule and change what in the events service: pure decisions over the caller
and the facts a view looked up; each `require_…` refuses with Forbidden.

A coordinator schedules anything; an organization admin schedules for their own organization;
a partner client with `events:write` writes the events its organization organizes; members
register themselves. Visibility: public (anyone, even without a token), members (the people of
the community), invitation (the organizing, hosting, partner and invited organizations, and the
people registered); the organizations involved see their events at any level, and a partner
client sees public events and its own organization's. One rule for every read path: can_see for
one event, visibility_condition for lists, changes_condition for the feed.
"""
from __future__ import annotations

import uuid

from shared.auth.principal import Principal
from shared.errors import require


def person_of(principal: Principal | None) -> uuid.UUID | None:
    """The caller's person id, when the caller is a person (anonymous callers are not)."""
    return principal.person_id if principal is not None else None


def require_person(principal: Principal, detail: str) -> uuid.UUID:
    person = person_of(principal)
    require(person is not None, detail)
    return person


def organizations_of(principal: Principal | None) -> set[str]:
    """The organizations on whose behalf the caller acts."""
    if principal is None:
        return set()
    if principal.is_partner_client:
        return {principal.organization} if principal.organization else set()
    return set(principal.member_of) | set(principal.admin_of)


def only_organization(principal: Principal) -> str | None:
    """The caller's organization when they act for exactly one (a default for what they do)."""
    mine = sorted(organizations_of(principal))
    return mine[0] if len(mine) == 1 else None


def is_community_member(principal: Principal | None) -> bool:
    """A person of the community: a coordinator or someone in an organization. A partner client is
    not one: the README promises it public events and its own organization's."""
    if principal is None or principal.is_partner_client:
        return False
    return principal.is_coordinator or bool(organizations_of(principal))


def _administered(principal: Principal) -> set[str]:
    if principal.is_partner_client:
        return {principal.organization} if principal.has_scope("events:write") and principal.organization else set()
    return set(principal.admin_of)


def _ids(values) -> set[str]:
    return {str(v) for v in values}


# --- Events -------------------------------------------------------------------------------------

def can_manage(principal: Principal | None, event: dict) -> bool:
    """Change, reschedule, cancel, see drafts, record attendance, read all feedback."""
    if principal is None:
        return False
    if principal.is_coordinator:
        return True
    return bool(_administered(principal) & _ids(event["organizer_ids"]))


def speaks_for(principal: Principal, organization_id) -> bool:
    """Whether the actor may name the organization as an organizer without asking it: coordinators
    and the platform itself, an admin of it (or its partner client with events:write), or an
    import acting for it. Any other organization named is invited and must accept."""
    if principal.is_coordinator or principal.is_system and principal.organization is None:
        return True
    if principal.is_system:
        return principal.organization == str(organization_id)
    return str(organization_id) in _administered(principal)


def require_can_answer_organizer_invitation(principal: Principal, organization_id) -> None:
    require(principal.is_coordinator or str(organization_id) in _administered(principal),
            "Only an admin of the invited organization (or a coordinator) can accept or decline this.")


def organizer_invitations_condition(principal: Principal) -> tuple[str, tuple]:
    """The events whose co-organizer invitations the caller may answer, as an SQL condition."""
    return "pending_organizer_ids && %s::uuid[]", (sorted(_administered(principal)),)


def require_can_schedule_for(principal: Principal, organizer_ids) -> None:
    if principal.is_partner_client:
        require(principal.has_scope("events:write"), "This client lacks the events:write scope.")
    allowed = principal.is_coordinator or bool(_administered(principal) & _ids(organizer_ids))
    require(allowed, "Only a coordinator, or an admin of one of the organizing organizations, can do this.")


def require_manager(principal: Principal, event: dict) -> None:
    require(can_manage(principal, event),
            "Only a coordinator or an admin of an organizing organization can change this event.")


def involved(event: dict) -> set[str]:
    ids = [*event["organizer_ids"], *event["partner_ids"], *event["invited_ids"]]
    if event.get("host_id"):
        ids.append(event["host_id"])
    return _ids(ids)


def can_see(principal: Principal | None, event: dict, registered: bool = False) -> bool:
    if can_manage(principal, event):
        return True
    if event["status"] == "draft":
        return False
    return (event["visibility"] in _levels(principal) or registered
            or bool(organizations_of(principal) & involved(event)))


def sees_online_link(principal: Principal | None, event: dict, registered: bool) -> bool:
    """The online link is for the people registered and the event's managers, whichever path
    reads it (the event, a list, the feed, a calendar)."""
    return registered or can_manage(principal, event)


def visibility_condition(principal: Principal | None) -> tuple[str, tuple]:
    """can_see as an SQL condition (with its parameters), for the events a caller may see in a list."""
    if principal is not None and principal.is_coordinator:
        return "TRUE", ()
    mine = sorted(organizations_of(principal))
    managed = sorted(_administered(principal)) if principal is not None else []
    live = f"(status <> 'draft' AND (visibility IN ({_visible_levels(principal)})"
    live += (" OR organizer_ids && %s::uuid[] OR partner_ids && %s::uuid[] OR invited_ids && %s::uuid[]"
             " OR host_id = ANY(%s::uuid[])))")
    return f"({live} OR organizer_ids && %s::uuid[])", (mine, mine, mine, mine, managed)


def managed_condition(principal: Principal) -> tuple[str, tuple]:
    """can_manage as an SQL condition (with its parameters): the events a caller may manage, drafts included."""
    if principal.is_coordinator:
        return "TRUE", ()
    return "organizer_ids && %s::uuid[]", (sorted(_administered(principal)),)


def _levels(principal: Principal | None) -> tuple[str, ...]:
    """The visibility levels the caller sees whoever organizes."""
    return ("public", "members") if is_community_member(principal) else ("public",)


def _visible_levels(principal: Principal | None) -> str:
    return ", ".join(f"'{level}'" for level in _levels(principal))


# --- Registrations, attendance, feedback --------------------------------------------------------

def require_can_register(principal: Principal, person_id, organization_id) -> None:
    """Members register themselves for their own organization; its admins (and its partner
    client with events:write) register its people; coordinators anyone."""
    self_service = str(person_id) == principal.subject and principal.is_member_of(organization_id)
    on_behalf = principal.is_coordinator or str(organization_id) in organizations_of(principal) and (
        principal.can_admin(organization_id) or (principal.is_partner_client and principal.has_scope("events:write")))
    require(self_service or on_behalf,
            "Members register themselves for their own organization; admins register their organization's people.")


def require_invited(principal: Principal, event: dict, organization_id) -> None:
    if event["visibility"] == "invitation" and not principal.is_coordinator:
        require(str(organization_id) in involved(event), "This event is by invitation only.")


def require_can_handle_registration(principal: Principal, event: dict, registration: dict) -> None:
    require(can_manage(principal, event) or str(registration["person_id"]) == principal.subject
            or principal.can_admin(registration["organization_id"]),
            "Only the person, an admin of their organization or the organizers can do this.")


def require_attended(attended: bool) -> None:
    require(attended, "Only people who attended can give feedback.")


# --- Topics, series, placements -----------------------------------------------------------------

def require_topic_member(principal: Principal) -> None:
    require(is_community_member(principal),
            "Only members of the community can propose and vote on topics.")


def require_can_propose_for(principal: Principal, organization_id) -> None:
    require(principal.is_member_of(organization_id) or principal.is_coordinator,
            "You can propose a topic only for an organization you belong to.")


def require_can_vote_for(principal: Principal, organization_id) -> None:
    require(principal.is_member_of(organization_id), "You can vote only for an organization you belong to.")


def require_can_withdraw_vote(principal: Principal, organization_id) -> None:
    require(principal.is_member_of(organization_id) or principal.can_admin(organization_id),
            "You can withdraw only your own organization's vote.")


def require_can_withdraw_this_vote(principal: Principal, vote: dict) -> None:
    """A vote speaks for its organization, but it is its voter's: only they, an admin of the
    organization or a coordinator take it back."""
    require(vote["voted_by"] == principal.subject or principal.can_admin(vote["organization_id"]),
            "Only the person who voted, an admin of their organization or a coordinator can withdraw this vote.")


def require_series_editor(principal: Principal) -> None:
    require(principal.is_coordinator, "Only a coordinator can shape the program's series.")


def _parties(placement: dict) -> set[str]:
    return _ids((placement["home_organization_id"], placement["host_organization_id"]))


def visible_placements(principal: Principal) -> set[str] | None:
    """Organizations whose placements (as home or host) the caller sees; None means all of them."""
    return None if principal.is_coordinator else organizations_of(principal)


def require_can_see_placement(principal: Principal, placement: dict) -> None:
    require(principal.is_coordinator or bool(organizations_of(principal) & _parties(placement))
            or str(placement["participant_id"]) == principal.subject, "This placement is not yours to see.")


def require_can_propose_placement(principal: Principal, home_organization_id) -> None:
    require(principal.can_admin(home_organization_id),
            "Only a coordinator or an admin of the home organization can propose a placement.")


def require_can_change_placement(principal: Principal, placement: dict) -> None:
    require(any(principal.can_admin(o) for o in _parties(placement)),
            "Only a coordinator or an admin of the home or host organization can change this placement.")


# --- Partner systems: sync, change feed, calendar imports ---------------------------------------

def require_partner_writer(principal: Principal, organization_id, what: str) -> None:
    """The organization's own partner client with events:write, its admins, or a coordinator —
    for its events by external id and its calendar feeds (`what`); a feed's URL may carry its
    token, so reading a feed needs this too."""
    if principal.is_partner_client:
        require(principal.has_scope("events:write") and principal.organization == str(organization_id),
                f"This client manages only its own organization's {what}, with the events:write scope.")
    else:
        require(principal.can_admin(str(organization_id)),
                "Only a coordinator, an admin of this organization or its partner client can do this.")


def require_feed_reader(principal: Principal) -> None:
    if principal.is_partner_client:
        require(principal.has_scope("events:read"), "This client lacks the events:read scope.")


def changes_condition(principal: Principal) -> tuple[str, dict]:
    """visibility_condition over the copy of the event each change keeps (named parameters):
    `organization_ids` are the organizations involved, and drafts make no changes."""
    if principal.is_coordinator:
        return "TRUE", {}
    return (f"(visibility IN ({_visible_levels(principal)}) OR organization_ids && %(mine)s::uuid[])",
            {"mine": sorted(organizations_of(principal))})
