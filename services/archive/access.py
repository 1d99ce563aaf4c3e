"""Who may see and manage what in the archive: pure decisions over the caller and the facts a
view looked up (queries.py: the organizations that own an item, whether the caller took part).

Every read and download checks the item's visibility: public (anyone), members (anyone in the
community), participants (the people registered for a linked event — safe spaces stay inside).
Only a coordinator or an admin of the organizing organization publishes or withdraws; drafts are
theirs alone.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.auth.principal import Principal
from shared.errors import require


def _person(principal: Principal | None) -> bool:
    """Someone signed in, not a partner organization's system."""
    return principal is not None and not principal.is_partner_client


def person_of(principal: Principal | None) -> uuid.UUID | None:
    """The caller's person id, when the caller is a person (anonymous callers are not)."""
    return principal.person_id if principal is not None else None


def is_member(principal: Principal | None) -> bool:
    if principal is None:
        return False
    if principal.is_partner_client:
        return principal.has_scope("archive:read")
    return principal.is_coordinator or bool(principal.member_of or principal.admin_of)


def can_manage(principal: Principal | None, owners: set[str]) -> bool:
    """`owners`: the organizations that manage the item (its own and its events' organizers)."""
    if not _person(principal):
        return False
    return principal.is_coordinator or bool(principal.admin_of & owners)


def can_read(principal: Principal | None, item: dict, *, owners: set[str], participant: bool) -> bool:
    """`participant`: the caller is registered for one of the item's events."""
    if can_manage(principal, owners):
        return True
    if item["status"] != "published":
        return False
    if item["visibility"] == "public":
        return True
    if item["visibility"] == "members":
        return is_member(principal)
    return participant


def require_manager(principal: Principal, owners: set[str]) -> None:
    require(can_manage(principal, owners), "Only a coordinator or an admin of the organizing organization can do this.")


def require_can_create(principal: Principal, organization_ids) -> None:
    require(principal.is_coordinator or bool(principal.admin_of & {str(o) for o in organization_ids}),
            "Only a coordinator, or an admin of one of the item's organizations, can add to the archive.")


@dataclass(frozen=True)
class Findable:
    """What a caller finds in lists and searches, short of everything: published items of
    `visibilities`, published participants' items of the events `person` is registered for, and
    every item of the organizations in `admin_of` or of their events."""
    visibilities: tuple[str, ...]
    person: uuid.UUID | None
    admin_of: tuple[str, ...]


def findable(principal: Principal | None) -> Findable | None:
    """None: everything (a coordinator)."""
    if principal is not None and principal.is_coordinator:
        return None
    return Findable(visibilities=("public", "members") if is_member(principal) else ("public",),
                    person=person_of(principal),
                    admin_of=tuple(sorted(principal.admin_of)) if _person(principal) else ())
