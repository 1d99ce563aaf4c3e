"""What the archive consumes: copies of people (their consent), events and who took part in
them; an online event that completes leaves a draft recording, one cancelled takes it back."""
from __future__ import annotations

from shared.auth.principal import Principal
from shared.auth import revocations
from shared.config import Settings
from services.archive import store
from services.archive.operations import items

EVENTS = Principal.system("events")  # acts on what the events service says
COPIED_EVENT_ACTIONS = ("scheduled", "updated", "rescheduled", "reinstated")
REGISTRATION_ACTIONS = ("created", "cancelled", "promoted", "attended")


def copy_person(cur, message) -> None:
    store.copy_person(cur, message.data)


def copy_event(cur, message) -> None:
    store.copy_event(cur, message.data)


def copy_registration(cur, message) -> None:
    store.copy_registration(cur, message.data)


def draft_recording(cur, message) -> None:
    items.draft_recording(cur, EVENTS, message.data)


def drop_draft_recording(cur, message) -> None:
    items.drop_draft_recording(cur, EVENTS, message.data["id"])


def subscriptions(settings: Settings) -> dict:
    return revocations.with_revocations({
        **{f"registry.person.{a}": [copy_person] for a in ("created", "updated", "deactivated")},
        **{f"events.event.{a}": [copy_event] for a in COPIED_EVENT_ACTIONS},
        "events.event.completed": [copy_event, draft_recording],
        "events.event.cancelled": [copy_event, drop_draft_recording],
        **{f"events.registration.{a}": [copy_registration] for a in REGISTRATION_ACTIONS},
    })
