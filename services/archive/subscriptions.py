"""What the archive consumes: people's consent, events, and who took part in them."""
from __future__ import annotations

from shared.config import Settings
from services.archive import handlers

EVENT_ACTIONS = ("scheduled", "updated", "rescheduled", "cancelled", "completed", "reinstated")
REGISTRATION_ACTIONS = ("created", "cancelled", "promoted", "attended")


def subscriptions(settings: Settings) -> dict:
    return {
        **{f"registry.person.{a}": [handlers.copy_person] for a in ("created", "updated", "deactivated")},
        **{f"events.event.{a}": [handlers.on_event] for a in EVENT_ACTIONS},
        **{f"events.registration.{a}": [handlers.on_registration] for a in REGISTRATION_ACTIONS},
    }
