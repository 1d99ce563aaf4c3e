"""Events: create, read, list, change, schedule, reschedule, cancel."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared import rows
from shared.auth.flask import current_principal, optional_principal
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from shared.http.problems import abort_problem
from shared.http.resources import answer, answer_read, changed, created, load, load_for_change, page_of, paginate
from services.events import access, directory, rules, times
from services.events.api import shape
from services.events.messages import emit
from services.events.schemas import EventCancel, EventIn, EventOut, EventPatch, EventQuery, ReadArgs

blp = Blueprint("events", __name__, url_prefix="/events",
                description="The program: meetings, discussions, information sessions, thematic meetings, study visits.")
ORDER = ["starts_at", "id"]
MOVES = ("starts_at", "ends_at")


def is_registered(cur, event_id, principal) -> bool:
    person = directory.as_person_id(principal.subject) if principal else None
    if person is None:
        return False
    cur.execute("SELECT 1 FROM registrations WHERE event_id = %s AND person_id = %s AND status = 'registered'",
                (event_id, person))
    return cur.fetchone() is not None


def load_visible(cur, event_id, *, for_update: bool = False) -> tuple[dict, bool]:
    """The event and whether the caller is registered; 401/404 when the caller may not see it."""
    event = load(cur, "events", event_id, "event", for_update=for_update)
    principal = optional_principal()
    registered = is_registered(cur, event_id, principal)
    if not access.can_see(principal, event, registered):
        if principal is None:
            current_principal()  # 401: a token might show it
        abort_problem(404, "Event not found", f"No event has the id {event_id}.")
    return event, registered


def create_event(cur, principal, data: dict, **extra) -> dict:
    """Insert an event after every rule for a new one; publish it when it is scheduled at once."""
    access.require_can_schedule_for(principal, data["organizer_ids"])
    rules.check_times(data)
    rules.check_series(cur, data.get("series_id"))
    rules.check_organizations(cur, data)
    if data["status"] == "scheduled":
        rules.check_publishable(data)
    row = rows.insert(cur, "events", shape.to_db({**data, **extra, "created_by": principal.subject}))
    if row["status"] == "scheduled":
        emit(cur, "event", "scheduled", row)
    return row


@blp.route("")
class Events(MethodView):
    @blp.arguments(EventQuery, location="query")
    @blp.response(200, page_of(EventOut))
    def get(self, args):
        """List the events the caller may see, by start time, filtered, a page at a time.

        Without a token: public events only."""
        principal = optional_principal()
        conditions = [access.visibility_condition(principal)]
        for name in ("kind", "format", "status", "series_id"):
            if name in args:
                conditions.append((f"{name} = %s", (args[name],)))
        if "starts_from" in args:
            conditions.append(("starts_at >= %s", (args["starts_from"],)))
        if "starts_before" in args:
            conditions.append(("starts_at < %s", (args["starts_before"],)))
        if "topic" in args:
            conditions.append(("topics @> ARRAY[%s]::text[]", (args["topic"],)))
        if "organization_id" in args:
            org = args["organization_id"]
            conditions.append(("(organizer_ids @> ARRAY[%s]::uuid[] OR host_id = %s OR partner_ids @> ARRAY[%s]::uuid[])",
                               (org, org, org)))
        cur = cursor()
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cur, "events", conditions, ORDER, cursor_values, args["limit"])
        registered = _registered_among(cur, principal, [row["id"] for row in found])
        page = [shape.event(row, principal, registered=row["id"] in registered, tz=args.get("tz")) for row in found]
        return paginate(page, args["limit"], ORDER)

    @blp.arguments(EventIn)
    @blp.response(201, EventOut)
    @idempotent
    def post(self, data):
        """Create an event, as a draft (default) or scheduled at once.

        Give times as instants (`starts_at`, with offset) or as wall-clock times in `time_zone`
        (`starts_local`). Coordinators schedule anything; organization admins for their organizations."""
        principal = current_principal()
        cur = cursor()
        row = create_event(cur, principal, data)
        return created(shape.event(row, principal), "events.Event", event_id=row["id"])


def _registered_among(cur, principal, event_ids) -> set:
    person = directory.as_person_id(principal.subject) if principal else None
    if person is None or not event_ids:
        return set()
    cur.execute("SELECT event_id FROM registrations WHERE person_id = %s AND status = 'registered' "
                "AND event_id = ANY(%s)", (person, event_ids))
    return {row["event_id"] for row in cur.fetchall()}


@blp.route("/<uuid:event_id>")
class Event(MethodView):
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, EventOut)
    def get(self, args, event_id):
        """One event; `tz` adds its times as read in that zone. The online link only for registered people."""
        event, registered = load_visible(cursor(), event_id)
        return answer_read(shape.event(event, optional_principal(), registered=registered, tz=args.get("tz")))

    @blp.arguments(EventPatch)
    @blp.response(200, EventOut)
    def patch(self, changes, event_id):
        """Change an event (If-Match required). Moving its start or end reschedules it: status
        `rescheduled`, `sequence` raised, `events.event.rescheduled` published with the old times."""
        principal = current_principal()
        cur = cursor()
        current, _ = load_visible(cur, event_id)
        access.require_manager(principal, current)
        if "organizer_ids" in changes:
            access.require_can_schedule_for(principal, changes["organizer_ids"])
        current = load_for_change(cur, "events", event_id, "event")
        return answer(shape.event(change_event(cur, current, changes), principal))


def change_event(cur, current: dict, changes: dict, **extra) -> dict:
    """Apply a change to a locked event after every rule; publish what it means (nothing for a
    draft or when nothing changes). `extra` columns are written without counting as a change."""
    if current["status"] in rules.CLOSED:
        abort_problem(409, f"Event is {current['status']}", "A completed or cancelled event cannot be changed.")
    _local_times_in_stored_zone(changes, current)
    changes = changed(shape.normalize(current), shape.normalize(changes))
    if not changes:
        return current
    merged = {**current, **changes}
    rules.check_times(merged)
    rules.check_capacity(merged)
    rules.check_series(cur, changes.get("series_id"))
    rules.check_organizations(cur, changes, [f for f in ("organizer_ids", "host_id", "partner_ids", "invited_ids")
                                             if f in changes])
    moved = current["status"] != "draft" and any(changes.get(f, current[f]) != current[f] for f in MOVES)
    if current["status"] != "draft":
        rules.check_publishable(merged)
    if moved:
        changes.update(status="rescheduled", sequence=current["sequence"] + 1)
    row = rows.update(cur, "events", current["id"], shape.to_db({**changes, **extra}))
    row = rules.fill_seats(cur, row)
    if moved:
        emit(cur, "event", "rescheduled", row, previous_starts_at=current["starts_at"],
             previous_ends_at=current["ends_at"])
    elif current["status"] != "draft":
        emit(cur, "event", "updated", row)
    return row


def cancel_event(cur, current: dict, reason: str | None, **extra) -> dict:
    """Cancel a locked event (nothing for one already cancelled); registrations stay."""
    if current["status"] == "cancelled":
        return current
    if current["status"] == "completed":
        abort_problem(409, "Event is completed", "A completed event cannot be cancelled.")
    row = rows.update(cur, "events", current["id"], {"status": "cancelled", "cancelled_at": times.now(),
                                                    "cancel_reason": reason, **extra})
    if current["status"] != "draft":
        emit(cur, "event", "cancelled", row, reason=reason)
    return row


def _local_times_in_stored_zone(changes: dict, current: dict) -> None:
    """A PATCH may give wall-clock times without repeating the zone: read them in the stored one."""
    for name in ("starts", "ends"):
        wall = changes.pop(f"{name}_local", None)
        if wall is not None:
            try:
                changes[f"{name}_at"] = times.from_local(wall, current["time_zone"])
            except times.NonexistentLocalTime as exc:
                abort_problem(422, "Time does not exist", str(exc), errors={f"{name}_local": [str(exc)]})


@blp.route("/<uuid:event_id>/schedule")
class EventSchedule(MethodView):
    @blp.response(200, EventOut)
    def post(self, event_id):
        """Publish a draft (If-Match required): it becomes visible and `events.event.scheduled` goes out."""
        principal = current_principal()
        cur = cursor()
        current, _ = load_visible(cur, event_id)
        access.require_manager(principal, current)
        current = load_for_change(cur, "events", event_id, "event")
        if current["status"] in rules.OPEN:
            return answer(shape.event(current, principal))
        if current["status"] != "draft":
            abort_problem(409, f"Event is {current['status']}", "Only a draft can be scheduled.")
        rules.check_publishable(current)
        rules.check_organizations(cur, current, ("organizer_ids", "host_id"))
        row = rows.update(cur, "events", event_id, {"status": "scheduled"})
        emit(cur, "event", "scheduled", row)
        return answer(shape.event(row, principal))


@blp.route("/<uuid:event_id>/cancel")
class EventCancellation(MethodView):
    @blp.arguments(EventCancel)
    @blp.response(200, EventOut)
    def post(self, data, event_id):
        """Cancel an event (If-Match required). Registrations stay, so everyone registered can be told."""
        principal = current_principal()
        cur = cursor()
        current, _ = load_visible(cur, event_id)
        access.require_manager(principal, current)
        current = load_for_change(cur, "events", event_id, "event")
        return answer(shape.event(cancel_event(cur, current, data.get("reason")), principal))
