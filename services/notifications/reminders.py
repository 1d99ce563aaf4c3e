"""Reminders before an event, 24 hours and 1 hour ahead, per registration.

They are rows with a due time, so they survive restarts; a reschedule moves them (and re-arms
those already fired, for the new time), a cancellation of the event or the registration drops
them. The worker fires what is due; several workers share the work without firing twice.
"""
from __future__ import annotations

from datetime import timedelta

from shared import leases
from shared.config import Settings
from services.notifications import notify
from services.notifications.events import event_context

LEADS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
BATCH = 200


def plan(cur, registration: dict, event: dict) -> None:
    """(Re)arm both reminders of a registration for the event's current time; past ones are skipped."""
    for lead, ahead in LEADS.items():
        cur.execute(
            """INSERT INTO reminders (registration_id, event_id, person_id, lead, due_at, event_sequence)
               SELECT %(reg)s, %(event)s, %(person)s, %(lead)s, %(due)s, %(seq)s WHERE %(due)s > now()
               ON CONFLICT (registration_id, lead) DO UPDATE
                   SET due_at = excluded.due_at, event_sequence = excluded.event_sequence, status = 'pending',
                       fired_at = NULL
                   WHERE reminders.event_sequence <> excluded.event_sequence OR reminders.status = 'dropped'""",
            {"reg": registration["id"], "event": event["id"], "person": registration["person_id"], "lead": lead,
             "due": event["starts_at"] - ahead, "seq": event["sequence"]})


def move(cur, event: dict) -> None:
    """The event moved: every live registration's reminders follow it."""
    cur.execute("SELECT * FROM registrations WHERE event_id = %s AND status = 'registered'", (event["id"],))
    for registration in cur.fetchall():
        plan(cur, registration, event)
    # Reminders whose new time has already passed would only arrive late: drop them.
    cur.execute("UPDATE reminders SET status = 'dropped' WHERE event_id = %s AND status = 'pending' AND due_at <= now()",
                (event["id"],))


def drop_for_event(cur, event_id) -> None:
    cur.execute("UPDATE reminders SET status = 'dropped' WHERE event_id = %s AND status = 'pending'", (event_id,))


def drop_for_registration(cur, registration_id) -> None:
    cur.execute("UPDATE reminders SET status = 'dropped' WHERE registration_id = %s AND status = 'pending'",
                (registration_id,))


DUE = leases.Due("reminders", when="status = 'pending' AND due_at <= now()", order="due_at")


def fire_due(pool, settings: Settings) -> int:
    """Turn due reminders into notifications; returns how many reminders fired."""
    return leases.drain(pool, DUE, lambda cur, due: sum(_fire(cur, settings, r) for r in due), batch=BATCH)


def _fire(cur, settings: Settings, reminder: dict) -> int:
    cur.execute("SELECT (SELECT status FROM events WHERE id = %s) AS event, "
                "(SELECT status FROM registrations WHERE id = %s) AS registration",
                (reminder["event_id"], reminder["registration_id"]))
    statuses = cur.fetchone()
    live = statuses["event"] in ("scheduled", "rescheduled") and statuses["registration"] == "registered"
    status = "fired" if live else "dropped"
    cur.execute("UPDATE reminders SET status = %s, fired_at = now() WHERE id = %s", (status, reminder["id"]))
    person = notify.recipient(cur, reminder["person_id"])
    if not live or person is None:
        return 0
    cur.execute("SELECT * FROM events WHERE id = %s", (reminder["event_id"],))
    event = cur.fetchone()
    cause = f"{reminder['registration_id']}:{reminder['lead']}:{reminder['event_sequence']}"
    notify.notify(cur, settings, person, "reminder", cause,
                  lambda r: {**event_context(event, r, with_link=True), "lead": reminder["lead"]},
                  event_id=event["id"])
    return 1
