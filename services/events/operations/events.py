"""Events: created (a draft, or scheduled at once), changed, scheduled, cancelled, and completed
once they have ended. Moving a live event's start or end reschedules it: status `rescheduled`,
`sequence` raised, so that calendars replace their copy."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.errors import Conflict, Invalid
from shared.versions import Precondition
from services.events import store, times
from services.events.errors import EventStatus
from services.events.messages import emit
from services.events.operations import CLOSED, OPEN, community, registrations

MOVES = ("starts_at", "ends_at")


def create(cur, actor: Principal, data: dict, **extra) -> dict:
    """A new event, after every rule for one; published when it is scheduled at once. `extra`
    columns (a partner's own id for it, the topic it comes from) are stored with it."""
    check_times(data)
    _check_series(cur, data.get("series_id"))
    community.require_event_organizations(cur, data)
    if data["status"] == "scheduled":
        check_publishable(data)
    row = rows.insert(cur, "events", store.to_db({**data, **extra, "created_by": actor.subject}))
    if row["status"] == "scheduled":
        emit(cur, "event", "scheduled", row)
    return row


def change(cur, actor: Principal, event_id, changes: dict, precondition: Precondition, **extra) -> dict:
    """Apply a change after every rule, and publish what it means (nothing for a draft or when
    nothing changes). `extra` columns are written with it without counting as a change."""
    current = rows.load_for_change(cur, "events", event_id, "event", precondition)
    if current["status"] in CLOSED:
        raise EventStatus(current, "A completed or cancelled event cannot be changed.")
    changes = rows.changed(store.normalize(current), store.normalize(_in_zone(changes, current["time_zone"])))
    if not changes:
        return current
    merged = {**current, **changes}
    check_times(merged)
    check_capacity(merged)
    _check_series(cur, changes.get("series_id"))
    community.require_event_organizations(cur, changes)
    live = current["status"] != "draft"
    moved = live and any(name in changes for name in MOVES)
    if live:
        check_publishable(merged)
    if moved:
        changes.update(status="rescheduled", sequence=current["sequence"] + 1)
    row = registrations.fill_seats(cur, rows.update(cur, "events", event_id, store.to_db({**changes, **extra})))
    if moved:
        emit(cur, "event", "rescheduled", row, previous_starts_at=current["starts_at"],
             previous_ends_at=current["ends_at"])
    elif live:
        emit(cur, "event", "updated", row)
    return row


def schedule(cur, actor: Principal, event_id, precondition: Precondition, *, reinstated: bool = False) -> dict:
    """Publish a draft: it becomes visible and `events.event.scheduled` goes out — or
    `events.event.reinstated` for one its partner had withdrawn and sends again."""
    current = rows.load_for_change(cur, "events", event_id, "event", precondition)
    if current["status"] in OPEN:
        return current
    if current["status"] != "draft":
        raise EventStatus(current, "Only a draft can be scheduled.")
    check_publishable(current)
    community.require_event_organizations(cur, current, ("organizer_ids", "host_id"))
    row = rows.update(cur, "events", event_id, {"status": "scheduled"})
    emit(cur, "event", "reinstated" if reinstated else "scheduled", row)
    return row


def cancel(cur, actor: Principal, event_id, reason: str | None, precondition: Precondition, **extra) -> dict:
    """Registrations stay, so that everyone registered can be told; an event cancelled already
    stays as it is. `extra` columns are written with it."""
    current = rows.load_for_change(cur, "events", event_id, "event", precondition)
    if current["status"] == "cancelled":
        return current
    if current["status"] == "completed":
        raise EventStatus(current, "A completed event cannot be cancelled.")
    row = rows.update(cur, "events", event_id, {"status": "cancelled", "cancelled_at": times.now(),
                                                "cancel_reason": reason, **extra})
    if current["status"] != "draft":
        emit(cur, "event", "cancelled", row, reason=reason)
    return row


def complete(cur, actor: Principal, ended: list[dict]) -> int:
    """Mark open events that have ended (locked by the caller) as completed, and say so."""
    cur.execute("""UPDATE events SET status = 'completed', completed_at = now(), updated_at = now(), version = version + 1
                   WHERE id = ANY(%s) RETURNING *""", ([e["id"] for e in ended],))
    for event in sorted(cur.fetchall(), key=lambda e: (e["ends_at"], e["id"])):
        emit(cur, "event", "completed", event)
    return len(ended)


# --- Rules ------------------------------------------------------------------------------------

def check_times(event: dict) -> None:
    """An event ends after it starts; its registration window closes before it ends."""
    if event["ends_at"] <= event["starts_at"]:
        raise Invalid("End before start", "An event must end after it starts.",
                      errors={"ends_at": ["The end must be after the start."]})
    opens, closes = event.get("registration_opens_at"), event.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise Invalid("Registration window is empty", "Registration must close after it opens.",
                      errors={"registration_closes_at": ["Registration must close after it opens."]})
    if closes and closes > event["ends_at"]:
        raise Invalid("Registration closes after the event", "Registration must close by the end of the event.",
                      errors={"registration_closes_at": ["Registration must close by the end of the event."]})


def check_publishable(event: dict) -> None:
    """What a scheduled event needs: a place to be, and a future to happen in."""
    missing = {}
    if event["format"] in ("in_person", "hybrid") and not event.get("venue"):
        missing["venue"] = ["An event in person needs a venue."]
    if event["format"] in ("online", "hybrid") and not event.get("online_url"):
        missing["online_url"] = ["An online event needs its link."]
    if missing:
        raise Invalid("Event is not complete", "Some fields a scheduled event needs are missing; see errors.",
                      errors=missing)
    if event["ends_at"] <= times.now():
        raise Conflict("Event is in the past", "An event that has already ended cannot be scheduled.",
                       errors={"ends_at": ["Must be in the future to schedule the event."]})


def check_capacity(event: dict) -> None:
    if event.get("capacity") is not None and event["capacity"] < event["registered_count"]:
        raise Conflict("Capacity below registrations",
                       f"{event['registered_count']} people are registered; the capacity cannot go below that.",
                       errors={"capacity": [f"Must be greater than or equal to {event['registered_count']}."]})


def _check_series(cur, series_id) -> None:
    if series_id and rows.get(cur, "series", series_id) is None:
        raise Invalid("Unknown series", f"No series has the id {series_id}.", errors={"series_id": ["Unknown series."]})


def _in_zone(changes: dict, zone: str) -> dict:
    """Wall-clock times a change gives without repeating the zone, as instants in the stored one."""
    changes = dict(changes)
    for name in ("starts", "ends"):
        wall = changes.pop(f"{name}_local", None)
        if wall is not None:
            try:
                changes[f"{name}_at"] = times.from_local(wall, zone)
            except times.NonexistentLocalTime as exc:
                raise Invalid("Time does not exist", str(exc), errors={f"{name}_local": [str(exc)]}) from None
    return changes
