"""What the notifications service consumes, and what each message sets in motion."""
from __future__ import annotations

from functools import partial

from shared.config import Settings
from services.notifications import handlers, webhooks

EVENT_ACTIONS = ("scheduled", "updated", "rescheduled", "cancelled", "completed", "reinstated")
REGISTRATION_ACTIONS = ("created", "cancelled", "promoted", "attended")


def subscriptions(settings: Settings) -> dict:
    person = partial(handlers.copy_person, settings)
    membership = partial(handlers.copy_membership, settings)
    on_event = partial(handlers.on_event, settings)
    on_registration = partial(handlers.on_registration, settings)
    hooks = partial(webhooks.enqueue_message, settings)  # after the copy: it reads the event's organizers
    return {
        **{f"registry.person.{a}": [person] for a in ("created", "updated", "deactivated")},
        **{f"registry.membership.{a}": [membership] for a in ("created", "ended")},
        **{f"events.event.{a}": [on_event, hooks] for a in EVENT_ACTIONS},
        **{f"events.registration.{a}": [on_registration, hooks] for a in REGISTRATION_ACTIONS},
        **{f"archive.item.{a}": [partial(handlers.on_archive_item, settings)]
           for a in ("created", "published", "withdrawn")},
    }
