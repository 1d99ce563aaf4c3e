"""What the events service consumes: the registry's organizations, people and memberships,
kept as local copies (services/events/copies.py)."""
from __future__ import annotations

from shared.config import Settings
from services.events import copies


def subscriptions(settings: Settings) -> dict:
    return {
        "registry.organization.created": [copies.copy_organization],
        "registry.organization.updated": [copies.copy_organization],
        "registry.organization.deactivated": [copies.copy_organization],
        "registry.person.created": [copies.copy_person],
        "registry.person.updated": [copies.copy_person],
        "registry.person.deactivated": [copies.copy_person],
        "registry.membership.created": [copies.copy_membership],
        "registry.membership.ended": [copies.copy_membership],
    }
