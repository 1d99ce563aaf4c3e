"""What the notifications service consumes, and what each message sets in motion: the copy and
whom to tell first, then the partners' webhooks (which read the event's organizers from the copy)."""
from __future__ import annotations

from functools import partial

from shared.config import Settings
from services.notifications import handlers
from services.notifications.operations import deliveries


def subscriptions(settings: Settings) -> dict:
    def told(handler):
        return partial(handler, settings)

    return {
        "registry.person.created": [handlers.person_changed],
        "registry.person.updated": [handlers.person_changed],
        "registry.person.deactivated": [handlers.person_changed],
        "registry.membership.created": [handlers.membership_changed],
        "registry.membership.ended": [handlers.membership_changed],
        "events.event.scheduled": [told(handlers.event_scheduled), deliveries.for_event],
        "events.event.updated": [handlers.event_changed, deliveries.for_event],
        "events.event.rescheduled": [told(handlers.event_rescheduled), deliveries.for_event],
        "events.event.cancelled": [told(handlers.event_cancelled), deliveries.for_event],
        "events.event.completed": [handlers.event_changed, deliveries.for_event],
        "events.event.reinstated": [told(handlers.event_reinstated), deliveries.for_event],
        "events.registration.created": [told(handlers.registration_created), deliveries.for_registration],
        "events.registration.promoted": [told(handlers.registration_promoted), deliveries.for_registration],
        "events.registration.cancelled": [handlers.registration_cancelled, deliveries.for_registration],
        "events.registration.attended": [told(handlers.registration_attended), deliveries.for_registration],
        "archive.item.published": [told(handlers.item_published)],
    }
