"""Reminders before an event, 24 hours and 1 hour ahead, per registration.

They are rows with a due time (store.py), so they survive restarts; a reschedule moves them (and
re-arms those already fired, for the new time), a cancellation of the event or the registration
drops them. The worker fires what is due; several workers share the work without firing twice.
"""
from __future__ import annotations

from datetime import timedelta

from shared import leases, rows
from shared.config import Settings
from services.notifications import queries, store
from services.notifications.operations import notifications

LEADS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
BATCH = 200
DUE = leases.Due("reminders", when="status = 'pending' AND due_at <= now()", order="due_at")


def plan(cur, registration: dict, event: dict) -> None:
    """(Re)arm both reminders of a registration for the event's current time; past ones are skipped."""
    for lead, ahead in LEADS.items():
        store.arm_reminder(cur, registration, event, lead, event["starts_at"] - ahead)


def follow(cur, event: dict) -> None:
    """The event moved: every live registration's reminders follow it."""
    for registration in queries.registered(cur, event["id"]):
        plan(cur, registration, event)
    store.drop_passed_reminders(cur, event["id"])  # they would only arrive late


def fire_due(pool, settings: Settings) -> int:
    """Turn due reminders into notifications; returns how many reminders fired."""
    return leases.drain(pool, DUE, lambda cur, due: sum(_fire(cur, settings, r) for r in due), batch=BATCH)


def _fire(cur, settings: Settings, reminder: dict) -> int:
    statuses = queries.reminder_statuses(cur, reminder)
    live = statuses["event"] in ("scheduled", "rescheduled") and statuses["registration"] == "registered"
    store.settle_reminder(cur, reminder["id"], "fired" if live else "dropped")
    person = rows.get(cur, "recipients", reminder["person_id"])
    if not live or person is None:
        return 0
    event = rows.get(cur, "events", reminder["event_id"])
    cause = f"{reminder['registration_id']}:{reminder['lead']}:{reminder['event_sequence']}"
    notifications.tell_of_event(cur, settings, person, "reminder", cause, event, with_link=True, lead=reminder["lead"])
    return 1
