"""The events service's rules, shared by its API and its worker."""
from __future__ import annotations

from shared import leases, rows
from shared.http.problems import abort_problem
from services.events import directory, times
from services.events.messages import emit

OPEN = ("scheduled", "rescheduled")
CLOSED = ("completed", "cancelled")
COMPLETION_BATCH = 100


def check_times(event: dict) -> None:
    """An event ends after it starts; its registration window closes before it ends."""
    if event["ends_at"] <= event["starts_at"]:
        abort_problem(422, "End before start", "An event must end after it starts.",
                      errors={"ends_at": ["Must be after starts_at."]})
    opens, closes = event.get("registration_opens_at"), event.get("registration_closes_at")
    if opens and closes and closes <= opens:
        abort_problem(422, "Registration window is empty", "Registration must close after it opens.",
                      errors={"registration_closes_at": ["Must be after registration_opens_at."]})
    if closes and closes > event["ends_at"]:
        abort_problem(422, "Registration closes after the event", "Registration must close by the end of the event.",
                      errors={"registration_closes_at": ["Must not be after ends_at."]})


def check_publishable(event: dict) -> None:
    """What a scheduled event needs: a place to be, and a future to happen in."""
    errors = {}
    if event["format"] in ("in_person", "hybrid") and not event.get("venue"):
        errors["venue"] = [f"A {event['format'].replace('_', '-')} event needs a venue."]
    if event["format"] in ("online", "hybrid") and not event.get("online_url"):
        errors["online_url"] = [f"An {event['format']} event needs its online link."]
    if errors:
        abort_problem(422, "Event is not complete", "Some fields a scheduled event needs are missing; see errors.",
                      errors=errors)
    if event["ends_at"] <= times.now():
        abort_problem(409, "Event is in the past", "An event that has already ended cannot be scheduled.",
                      errors={"ends_at": ["Must be in the future to schedule the event."]})


def check_organizations(cur, event: dict, fields=("organizer_ids", "host_id", "partner_ids", "invited_ids")) -> None:
    for field in fields:
        value = event.get(field)
        directory.require_active_organizations(cur, field, value if isinstance(value, list) else [value])


def check_capacity(event: dict) -> None:
    if event.get("capacity") is not None and event["capacity"] < event["registered_count"]:
        abort_problem(409, "Capacity below registrations",
                      f"{event['registered_count']} people are registered; the capacity cannot go below that.",
                      errors={"capacity": [f"Must be at least {event['registered_count']}."]})


def check_series(cur, series_id) -> None:
    if series_id and rows.get(cur, "series", series_id) is None:
        abort_problem(422, "Unknown series", f"No series has the id {series_id}.",
                      errors={"series_id": ["Unknown series."]})


def has_room(event: dict) -> bool:
    return event["capacity"] is None or event["registered_count"] < event["capacity"]


def fill_seats(cur, event: dict) -> dict:
    """Promote from the waitlist, first come first served, while there are free seats."""
    while has_room(event) and event["waitlist_count"] > 0:
        cur.execute("""UPDATE registrations SET status = 'registered', promoted_at = now(), updated_at = now(),
                           version = version + 1
                       WHERE id = (SELECT id FROM registrations WHERE event_id = %s AND status = 'waitlisted'
                                   ORDER BY arrival LIMIT 1)
                       RETURNING *""", (event["id"],))
        promoted = cur.fetchone()
        if promoted is None:
            break
        event = count_change(cur, event, registered=+1, waitlisted=-1)
        emit(cur, "registration", "promoted", promoted, waitlist_position=None)
    return event


def count_change(cur, event: dict, *, registered: int = 0, waitlisted: int = 0) -> dict:
    cur.execute("""UPDATE events SET registered_count = registered_count + %s, waitlist_count = waitlist_count + %s
                   WHERE id = %s RETURNING *""", (registered, waitlisted, event["id"]))
    return cur.fetchone()


def waitlist_position(cur, registration: dict) -> int | None:
    if registration["status"] != "waitlisted":
        return None
    cur.execute("SELECT count(*) AS n FROM registrations WHERE event_id = %s AND status = 'waitlisted' AND arrival <= %s",
                (registration["event_id"], registration["arrival"]))
    return cur.fetchone()["n"]


def overlapping(cur, registration: dict, event: dict) -> list[dict]:
    """The person's other live registrations for events at the same time (a warning, not a refusal)."""
    # Two small lookups by key: a person has few registrations, and a join lets the planner
    # choose a scan over every event in the time window instead.
    cur.execute("SELECT event_id FROM registrations WHERE person_id = %s AND status <> 'cancelled' AND event_id <> %s",
                (registration["person_id"], event["id"]))
    others = [row["event_id"] for row in cur.fetchall()]
    if not others:
        return []
    cur.execute("""SELECT id, title, starts_at, ends_at FROM events
                   WHERE id = ANY(%s) AND status <> 'cancelled' AND starts_at < %s AND ends_at > %s
                   ORDER BY starts_at""", (others, event["ends_at"], event["starts_at"]))
    return cur.fetchall()


ENDED = leases.Due("events", when="status IN ('scheduled', 'rescheduled') AND ends_at <= now()", order="ends_at")


def complete_ended(pool) -> int:
    """Mark every open event that has ended as completed and say so; safe with several workers."""
    return leases.drain(pool, ENDED, _complete, batch=COMPLETION_BATCH)


def _complete(cur, ended: list[dict]) -> int:
    cur.execute("""UPDATE events SET status = 'completed', completed_at = now(), updated_at = now(), version = version + 1
                   WHERE id = ANY(%s) RETURNING *""", ([e["id"] for e in ended],))
    for event in sorted(cur.fetchall(), key=lambda e: (e["ends_at"], e["id"])):
        emit(cur, "event", "completed", event)
    return len(ended)
