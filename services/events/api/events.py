"""Events: create, read, list, change, schedule, reschedule, cancel."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal, optional_principal
from shared.auth.principal import Principal
from shared.errors import not_found
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.events import access, queries
from services.events.api import shape
from services.events.operations import events
from services.events.schemas import EventCancel, EventIn, EventOut, EventPatch, EventQuery, ReadArgs

blp = Blueprint("events", __name__, url_prefix="/events",
                description="The program: meetings, discussions, information sessions, thematic meetings, study visits.")


def load_visible(cur, event_id) -> tuple[dict, bool]:
    """The event and whether the caller is registered; 404 when the caller may not see it, with or
    without a token (a 401 would tell that such an event exists)."""
    event = rows.load(cur, "events", event_id, "event")
    principal = optional_principal()
    registered = queries.is_registered(cur, event_id, access.person_of(principal))
    if not access.can_see(principal, event, registered):
        raise not_found("event", event_id)
    return event, registered


def manager(cur, event_id) -> Principal:
    """The caller, once seen to manage the event (401, 404 or 403 otherwise)."""
    principal = current_principal()
    access.require_manager(principal, load_visible(cur, event_id)[0])
    return principal


@blp.route("")
class Events(MethodView):
    @blp.arguments(EventQuery, location="query")
    @blp.response(200, page_of(EventOut))
    def get(self, args):
        """List the events the caller may see, by start time, filtered, a page at a time.

        Without a token: public events only."""
        principal = optional_principal()
        cur = cursor()
        found = queries.events(cur, args, access.visibility_condition(principal),
                               cursor_of(args), args["limit"])
        registered = queries.registered_among(cur, access.person_of(principal), [row["id"] for row in found])
        page = shape.events(cur, found, principal, registered=registered, tz=args.get("tz"))
        return paginate(page, args["limit"], queries.EVENT_ORDER)

    @blp.arguments(EventIn)
    @blp.response(201, EventOut)
    @idempotent
    def post(self, data):
        """Create an event, as a draft (default) or scheduled at once.

        Give times as instants (`starts_at`, with offset) or as wall-clock times in `time_zone`
        (`starts_local`). Coordinators schedule anything; organization admins for their organizations."""
        principal = current_principal()
        access.require_can_schedule_for(principal, data["organizer_ids"])
        row = events.create(cursor(), principal, data)
        return created(shape.event(cursor(), row, principal), "events.Event", event_id=row["id"])


@blp.route("/<uuid:event_id>")
class Event(MethodView):
    @blp.arguments(ReadArgs, location="query")
    @blp.response(200, EventOut)
    def get(self, args, event_id):
        """One event; `tz` adds its times as read in that zone. The online link only for registered people."""
        event, registered = load_visible(cursor(), event_id)
        return answer_read(shape.event(cursor(), event, optional_principal(), registered=registered, tz=args.get("tz")))

    @blp.arguments(EventPatch)
    @blp.response(200, EventOut)
    def patch(self, changes, event_id):
        """Change an event (If-Match required). Moving its start or end reschedules it: status
        `rescheduled`, `sequence` raised, `events.event.rescheduled` published with the old times."""
        cur = cursor()
        principal = manager(cur, event_id)
        if "organizer_ids" in changes:
            access.require_can_schedule_for(principal, changes["organizer_ids"])
        return answer(shape.event(cursor(), events.change(cur, principal, event_id, changes, if_match()), principal))


@blp.route("/<uuid:event_id>/schedule")
class EventSchedule(MethodView):
    @blp.response(200, EventOut)
    def post(self, event_id):
        """Publish a draft (If-Match required): it becomes visible and `events.event.scheduled` goes out."""
        cur = cursor()
        principal = manager(cur, event_id)
        return answer(shape.event(cursor(), events.schedule(cur, principal, event_id, if_match()), principal))


@blp.route("/<uuid:event_id>/cancel")
class EventCancellation(MethodView):
    @blp.arguments(EventCancel)
    @blp.response(200, EventOut)
    def post(self, data, event_id):
        """Cancel an event (If-Match required). Registrations stay, so everyone registered can be told."""
        cur = cursor()
        principal = manager(cur, event_id)
        return answer(shape.event(cursor(), events.cancel(cur, principal, event_id, data.get("reason"), if_match()), principal))


@blp.route("/<uuid:event_id>/organizers/<uuid:organization_id>/accept")
class OrganizerAcceptance(MethodView):
    @blp.response(200, EventOut)
    def post(self, event_id, organization_id):
        """Accept your organization's invitation to co-organize the event (its admins, or a
        coordinator): it becomes an organizer, and `events.event.updated` says so."""
        principal = current_principal()
        access.require_can_answer_organizer_invitation(principal, organization_id)
        return answer(shape.event(cursor(), events.accept_organizer(cursor(), principal, event_id, organization_id),
                                  principal))


@blp.route("/<uuid:event_id>/organizers/<uuid:organization_id>/decline")
class OrganizerDecline(MethodView):
    @blp.response(204)
    def post(self, event_id, organization_id):
        """Decline your organization's invitation to co-organize the event."""
        principal = current_principal()
        access.require_can_answer_organizer_invitation(principal, organization_id)
        events.decline_organizer(cursor(), principal, event_id, organization_id)
