"""Events: created (a draft, or scheduled at once), changed, scheduled, cancelled, and completed
once they have ended. Moving a live event's start or end reschedules it: status `rescheduled`,
`sequence` raised, so that calendars replace their copy.

Co-organizers agree: an organization the actor does not speak for (access.speaks_for) is invited
(`pending_organizer_ids`), not named; it becomes an organizer once an admin of its own accepts.
As with the registry's membership invitations, an invitation says nothing on the bus; an
acceptance is a change of the event's organizers, published as `events.event.updated`."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared import rows
from shared.auth.principal import Principal
from shared.errors import Conflict, Invalid, NotFound
from shared.versions import Precondition
from services.events import access, store, times
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
    data = {**data, **_organizers(actor, data["organizer_ids"])}
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
    if "organizer_ids" in changes:
        changes = {**changes, **_organizers(actor, changes["organizer_ids"], current)}
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
    elif live and set(changes) != {"pending_organizer_ids"}:  # an invitation alone says nothing
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


def accept_organizer(cur, actor: Principal, event_id, organization_id) -> dict:
    """The invited organization becomes an organizer of the event, and everyone hears of it as an update."""
    current = _invitation(cur, event_id, organization_id)
    community.require_active_organizations(cur, "organization_id", [organization_id])
    row = rows.update(cur, "events", event_id, {"organizer_ids": [*current["organizer_ids"], organization_id],
                                                **_uninvited(current, organization_id)})
    if row["status"] != "draft":
        emit(cur, "event", "updated", row)
    return row


def decline_organizer(cur, actor: Principal, event_id, organization_id) -> dict:
    """The invitation is gone; the organizers stay as they were (nothing was published of it)."""
    current = _invitation(cur, event_id, organization_id)
    return rows.update(cur, "events", event_id, _uninvited(current, organization_id))


def complete(cur, actor: Principal, ended: list[dict]) -> int:
    """Mark open events that have ended (locked by the caller) as completed, and say so."""
    cur.execute("""UPDATE events SET status = 'completed', completed_at = now(), updated_at = now(), version = version + 1
                   WHERE id = ANY(%s) RETURNING *""", ([e["id"] for e in ended],))
    for event in sorted(cur.fetchall(), key=lambda e: (e["ends_at"], e["id"])):
        emit(cur, "event", "completed", event)
    return len(ended)


# --- Rules ------------------------------------------------------------------------------------

# Bounds that catch a mistyped year: the community plans a few years ahead at most, and its longest
# events are study visits of 10–15 days (a program running for months is a series of events).
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
MAX_AHEAD = timedelta(days=5 * 366)
MAX_LENGTH = timedelta(days=60)


def check_times(event: dict) -> None:
    """An event starts between 2000 and five years from now, lasts at most 60 days and ends after
    it starts; its registration window closes before it ends."""
    if not EARLIEST <= event["starts_at"] <= times.now() + MAX_AHEAD:
        raise Invalid("Start out of range", "An event starts after 2000 and within five years from now.",
                      errors={"starts_at": ["Must be after 2000 and within five years from now."]})
    if event["ends_at"] <= event["starts_at"]:
        raise Invalid("End before start", "An event must end after it starts.",
                      errors={"ends_at": ["The end must be after the start."]})
    if event["ends_at"] - event["starts_at"] > MAX_LENGTH:
        raise Invalid("Event too long", "An event lasts at most 60 days; make a longer program a series of events.",
                      errors={"ends_at": ["Must be at most 60 days after the start."]})
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


def _organizers(actor: Principal, named: list, current: dict | None = None) -> dict:
    """The named organizations split into those that organize at once (the actor speaks for them,
    or they organize already) and those invited to; an invitation still pending stays one."""
    already = {str(o) for o in current["organizer_ids"]} if current else set()
    direct = [o for o in named if str(o) in already or access.speaks_for(actor, o)]
    return {"organizer_ids": direct, "pending_organizer_ids": [o for o in named if o not in direct]}


def _invitation(cur, event_id, organization_id) -> dict:
    """The event (locked) that invites the organization to co-organize it, or NotFound."""
    current = rows.get(cur, "events", event_id, for_update=True)
    if current is None or str(organization_id) not in {str(o) for o in current["pending_organizer_ids"]}:
        raise NotFound("No such invitation", f"The organization {organization_id} is not invited to co-organize "
                       f"the event {event_id}.")
    if current["status"] in CLOSED:
        raise EventStatus(current, "A completed or cancelled event takes no new organizers.")
    return current


def _uninvited(current: dict, organization_id) -> dict:
    return {"pending_organizer_ids": [o for o in current["pending_organizer_ids"] if str(o) != str(organization_id)]}


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
