"""Registrations: a person registers on behalf of their organization, up to the event's capacity
and then on its waitlist; cancelled (the first waiting takes the seat); attended or not.

Every change to an event's seats locks the event row first, so 200 people racing for 30 seats
get exactly 30 seats and a waitlist in the order they arrived.
"""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.errors import Conflict, Invalid
from services.events import queries, store, times
from services.events.errors import EventStatus
from services.events.messages import emit
from services.events.operations import CLOSED, community


def register(cur, actor: Principal, event: dict, person_id, organization_id) -> dict:
    """The person's registration (registered, or waitlisted when the event is full) with its
    `waitlist_position`. `event` as the caller read it: its seat is taken under its lock."""
    require_open(event)
    community.require_active_organizations(cur, "organization_id", [organization_id])
    community.require_active_person(cur, "person_id", person_id)
    community.require_member(cur, "person_id", person_id, organization_id)
    # Everything above ran before the lock, so that it is held only for the seat itself. What
    # was checked may have changed meanwhile: check it again.
    event = rows.get(cur, "events", event["id"], for_update=True)
    require_open(event)
    with errors.unique("This person is already registered for this event."):
        row, _ = store.add_registration(cur, event, {"person_id": person_id, "organization_id": organization_id,
                                                     "registered_by": actor.subject})
    position = queries.waitlist_position(cur, row)
    emit(cur, "registration", "created", row, waitlist_position=position)
    return {**row, "waitlist_position": position}


def cancel(cur, actor: Principal, event_id, registration_id) -> dict:
    """A seat given up goes to the first on the waitlist; a registration cancelled already stays as it is."""
    event = rows.load(cur, "events", event_id, "event", for_update=True)
    row = queries.registration(cur, event_id, registration_id)
    if row["status"] == "cancelled":
        return row
    if event["status"] in CLOSED:
        raise EventStatus(event, "Registrations of a finished event stay as they are.")
    was = row["status"]
    row = rows.update(cur, "registrations", registration_id, {"status": "cancelled", "cancelled_at": times.now()})
    event = store.count_change(cur, event, registered=-int(was == "registered"), waitlisted=-int(was == "waitlisted"))
    emit(cur, "registration", "cancelled", row, waitlist_position=None)
    fill_seats(cur, event)
    return row


def record_attendance(cur, actor: Principal, event_id, attended: dict) -> list[dict]:
    """Who came (`attended`: person id → True) and who did not, once the event has started; the
    registrations as they are now, in the order given."""
    event = rows.load(cur, "events", event_id, "event", for_update=True)
    if event["status"] == "cancelled" or event["starts_at"] > times.now():
        raise Conflict("Too early for attendance", "Attendance is recorded once the event has started.")
    cur.execute("SELECT * FROM registrations WHERE event_id = %s AND status = 'registered' "
                "AND person_id = ANY(%s::uuid[]) FOR UPDATE", (event_id, list(attended)))
    found = {str(r["person_id"]): r for r in cur.fetchall()}
    unknown = sorted(set(attended) - set(found))
    if unknown:
        raise Invalid("Not registered", "Attendance is recorded for registered people only.",
                      errors={"records": [f"{p} is not registered for this event." for p in unknown]})
    return [_attendance(cur, found[person], came) for person, came in attended.items()]


def _attendance(cur, registration: dict, came: bool) -> dict:
    value = "attended" if came else "no_show"
    if registration["attendance"] == value:
        return registration
    row = rows.update(cur, "registrations", registration["id"], {"attendance": value})
    if came:
        emit(cur, "registration", "attended", row, waitlist_position=None)
    return row


def fill_seats(cur, event: dict) -> dict:
    """Promote from the waitlist, first come first served, while the event (locked) has free seats."""
    while store.has_room(event) and event["waitlist_count"] > 0:
        promoted = store.promote_first_waiting(cur, event["id"])
        if promoted is None:
            break
        event = store.count_change(cur, event, registered=+1, waitlisted=-1)
        emit(cur, "registration", "promoted", promoted, waitlist_position=None)
    return event


def require_open(event: dict) -> None:
    """A scheduled event that has not ended takes registrations within its registration window."""
    now = times.now()
    if event["status"] == "cancelled":
        raise Conflict("Event is cancelled", "A cancelled event takes no registrations.")
    if event["status"] == "completed" or event["ends_at"] <= now:
        raise Conflict("Event is over", "An event that has ended takes no registrations.")
    if event["status"] == "draft":
        raise Conflict("Event is not scheduled", "A draft takes no registrations.")
    if event["registration_opens_at"] and now < event["registration_opens_at"]:
        raise Conflict("Registration is not open yet", f"Registration opens at {event['registration_opens_at'].isoformat()}.")
    if event["registration_closes_at"] and now >= event["registration_closes_at"]:
        raise Conflict("Registration is closed", f"Registration closed at {event['registration_closes_at'].isoformat()}.")
