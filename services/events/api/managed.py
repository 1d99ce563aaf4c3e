"""The events the caller may manage: the organizers' own list, drafts included; and those that
invite the caller's organizations to co-organize them."""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.pagination import cursor_of
from shared.http.resources import page_of, paginate
from services.events import access, queries
from services.events.api import shape
from services.events.schemas import EventOut, ManagedEventQuery

blp = Blueprint("managed_events", __name__, url_prefix="/me", description="The events the caller manages.")


@blp.route("/managed-events")
class ManagedEvents(MethodView):
    @blp.arguments(ManagedEventQuery, location="query")
    @blp.response(200, page_of(EventOut))
    def get(self, args):
        """The events you may change, drafts included, latest start first: every event for a
        coordinator, those your organizations organize for their admins; none for others."""
        principal = current_principal()
        cur = cursor()
        found = queries.managed_events(cur, args, access.managed_condition(principal), cursor_of(args), args["limit"])
        return paginate(shape.events(cur, found, principal), args["limit"], queries.EVENT_ORDER)


@blp.route("/organizer-invitations")
class OrganizerInvitations(MethodView):
    @blp.arguments(ManagedEventQuery, location="query")
    @blp.response(200, page_of(EventOut))
    def get(self, args):
        """The events that invite an organization you administer to co-organize them, to accept
        (`POST /events/{id}/organizers/{org}/accept`) or decline; latest start first."""
        principal = current_principal()
        cur = cursor()
        found = queries.managed_events(cur, args, access.organizer_invitations_condition(principal),
                                       cursor_of(args), args["limit"])
        return paginate(shape.events(cur, found, principal), args["limit"], queries.EVENT_ORDER)
