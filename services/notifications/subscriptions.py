"""What the notifications service consumes, and what each message sets in motion: one handler
per message type (the copy, then whom to tell), and partners' webhooks after it (they read the
event's organizers from the copy). Each runs inside the consumer's inbox transaction, so its
notifications, reminders and copies commit together with the record that the message was handled:
a redelivery changes nothing.
"""
from __future__ import annotations

from functools import partial

from shared import rows
from shared.bus.envelope import Message
from shared.auth import revocations
from shared.config import Settings
from services.notifications import store
from services.notifications.errors import NotYetKnown
from services.notifications.operations import deliveries, notifications, reminders


# --- registry.* -------------------------------------------------------------------------------

def person_changed(cur, message: Message) -> None:
    store.copy_person(cur, message.data)


def membership_changed(cur, message: Message) -> None:
    store.copy_membership(cur, message.data)


# --- events.event.* ---------------------------------------------------------------------------

def event_changed(cur, message: Message) -> None:
    """Updated or completed: nobody is told, the copy follows."""
    store.copy_event(cur, message.data)


def event_scheduled(settings: Settings, cur, message: Message) -> None:
    notifications.tell_followers(cur, settings, store.copy_event(cur, message.data))


def event_rescheduled(settings: Settings, cur, message: Message) -> None:
    data = message.data
    event = store.copy_event(cur, data)
    notifications.tell_registered(cur, settings, event, "event_rescheduled", f"{event['id']}:{data['sequence']}",
                                  previous_starts_at=data["previous_starts_at"])
    reminders.follow(cur, event)


def event_cancelled(settings: Settings, cur, message: Message) -> None:
    event = store.copy_event(cur, message.data)
    notifications.tell_registered(cur, settings, event, "event_cancelled", str(event["id"]),
                                  reason=message.data.get("reason"))
    store.drop_event_reminders(cur, event["id"])


def event_reinstated(settings: Settings, cur, message: Message) -> None:
    """Cancelled, then back on: registrations were kept, so are their reminders."""
    data = message.data
    event = store.copy_event(cur, data)
    notifications.tell_registered(cur, settings, event, "event_reinstated", f"{event['id']}:{data['sequence']}")
    reminders.follow(cur, event)


# --- events.registration.* --------------------------------------------------------------------

def registration_created(settings: Settings, cur, message: Message) -> None:
    event, registration, person = _registration(cur, message.data)
    if registration["status"] == "registered":
        _confirm(cur, settings, "registration_confirmed", event, registration, person)
    elif registration["status"] == "waitlisted":
        notifications.tell_of_event(cur, settings, person, "registration_waitlisted", str(registration["id"]), event,
                                    position=message.data.get("waitlist_position"))


def registration_promoted(settings: Settings, cur, message: Message) -> None:
    event, registration, person = _registration(cur, message.data)
    if registration["status"] == "registered":
        _confirm(cur, settings, "registration_promoted", event, registration, person)


def registration_cancelled(cur, message: Message) -> None:
    _, registration, _ = _registration(cur, message.data)
    store.drop_registration_reminders(cur, registration["id"])


def registration_attended(settings: Settings, cur, message: Message) -> None:
    event, registration, person = _registration(cur, message.data)
    notifications.tell_of_event(cur, settings, person, "feedback_request", str(registration["id"]), event)


def _registration(cur, data: dict) -> tuple[dict, dict, dict]:
    """The event, the registration's copy and the person; the event and the person must be
    known already (their messages come first, or this one is retried)."""
    event = rows.get(cur, "events", data["event_id"])
    if event is None:
        raise NotYetKnown("event", data["event_id"])
    registration = store.copy_registration(cur, data)
    person = rows.get(cur, "recipients", data["person_id"])
    if person is None:
        raise NotYetKnown("person", data["person_id"])
    return event, registration, person


def _confirm(cur, settings: Settings, kind: str, event: dict, registration: dict, person: dict) -> None:
    """A seat is theirs: they are told, with the link to join, and reminded before it starts."""
    notifications.tell_of_event(cur, settings, person, kind, str(registration["id"]), event, with_link=True)
    reminders.plan(cur, registration, event)


# --- archive.item.* ---------------------------------------------------------------------------

def item_published(settings: Settings, cur, message: Message) -> None:
    notifications.tell_of_item(cur, settings, message.data)


def subscriptions(settings: Settings) -> dict:
    def told(handler):
        return partial(handler, settings)

    return revocations.with_revocations({
        "registry.person.created": [person_changed],
        "registry.person.updated": [person_changed],
        "registry.person.deactivated": [person_changed],
        "registry.membership.created": [membership_changed],
        "registry.membership.ended": [membership_changed],
        "events.event.scheduled": [told(event_scheduled), deliveries.for_event],
        "events.event.updated": [event_changed, deliveries.for_event],
        "events.event.rescheduled": [told(event_rescheduled), deliveries.for_event],
        "events.event.cancelled": [told(event_cancelled), deliveries.for_event],
        "events.event.completed": [event_changed, deliveries.for_event],
        "events.event.reinstated": [told(event_reinstated), deliveries.for_event],
        "events.registration.created": [told(registration_created), deliveries.for_registration],
        "events.registration.promoted": [told(registration_promoted), deliveries.for_registration],
        "events.registration.cancelled": [registration_cancelled, deliveries.for_registration],
        "events.registration.attended": [told(registration_attended), deliveries.for_registration],
        "archive.item.published": [told(item_published)],
    })
