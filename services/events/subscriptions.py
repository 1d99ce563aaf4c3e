"""What the events service consumes: the registry's organizations, people and memberships, kept
as local copies (services/events/store.py)."""
from __future__ import annotations

from shared.auth import revocations
from shared.config import Settings
from services.events import store


def subscriptions(settings: Settings) -> dict:
    return revocations.with_revocations({
        "registry.organization.created": [store.copy_organization],
        "registry.organization.updated": [store.copy_organization],
        "registry.organization.deactivated": [store.copy_organization],
        "registry.person.created": [store.copy_person],
        "registry.person.updated": [store.copy_person],
        "registry.person.deactivated": [store.copy_person],
        "registry.membership.created": [store.copy_membership],
        "registry.membership.ended": [store.copy_membership],
    })
