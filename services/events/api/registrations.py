"""Registrations: a person registers on behalf of their organization; capacity and waitlist."""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.auth.principal import Principal
from shared.errors import Invalid
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, created, page_of, paginate
from services.events import access, queries
from services.events.api import shape
from services.events.api.events import load_visible, manager
from services.events.operations import registrations
from services.events.schemas import AttendanceIn, MyRegistrationQuery, RegistrationIn, RegistrationOut, RegistrationQuery

blp = Blueprint("registrations", __name__, url_prefix="/events",
                description="Registrations, the waitlist and attendance.")


def _registrant(principal: Principal, data: dict) -> tuple:
    """Who is registered and for which organization: the caller and their one organization by default."""
    person = data.get("person_id") or access.person_of(principal)
    if person is None:
        raise Invalid("Person missing", "Say whom to register.", errors={"person_id": ["Required for clients."]})
    organization = data.get("organization_id") or access.only_organization(principal)
    if organization is None:
        raise Invalid("Organization missing", "Say on behalf of which organization you register.",
                      errors={"organization_id": ["Required when you belong to several or none."]})
    return person, organization


def _page(cur, found: list[dict], limit: int):
    """A page of registrations with the names of their people and organizations (one query each)."""
    people = queries.people_names(cur, [r["person_id"] for r in found])
    organizations = queries.organization_names(cur, {str(r["organization_id"]) for r in found})
    return paginate([{**shape.registration(r, queries.waitlist_position(cur, r)),
                      "person_name": people.get(str(r["person_id"]), ""),
                      "organization_name": organizations.get(str(r["organization_id"]), "")} for r in found],
                    limit, queries.REGISTRATION_ORDER)


@blp.route("/<uuid:event_id>/registrations")
class Registrations(MethodView):
    @blp.arguments(RegistrationQuery, location="query")
    @blp.response(200, page_of(RegistrationOut))
    def get(self, args, event_id):
        """The event's registrations in arrival order: all for its organizers; your organizations' otherwise."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        visible = None if access.can_manage(principal, event) else access.organizations_of(principal)
        found = queries.registrations(cur, event_id, args, visible, principal.subject,
                                      cursor_of(args), args["limit"])
        return _page(cur, found, args["limit"])

    @blp.arguments(RegistrationIn)
    @blp.response(201, RegistrationOut)
    @idempotent
    def post(self, data, event_id):
        """Register (yourself, or as an admin one of your organization's people). Full events waitlist you.

        `warnings` lists the person's other registrations at the same time."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        person, organization = _registrant(principal, data)
        access.require_can_register(principal, person, organization)
        access.require_invited(principal, event, organization)
        warnings = shape.overlap_warnings(queries.overlapping(cur, person, event))
        row = registrations.register(cur, principal, event, person, organization)
        return created(shape.registration(row, row["waitlist_position"], warnings), "registrations.Registration",
                       event_id=event_id, registration_id=row["id"])


def _handled(cur, event_id, registration_id) -> tuple[dict, Principal]:
    """The registration, once the caller is seen to be its person, their admin or an organizer."""
    principal = current_principal()
    event, _ = load_visible(cur, event_id)
    row = queries.registration(cur, event_id, registration_id)
    access.require_can_handle_registration(principal, event, row)
    return row, principal


@blp.route("/<uuid:event_id>/registrations/<uuid:registration_id>")
class Registration(MethodView):
    @blp.response(200, RegistrationOut)
    def get(self, event_id, registration_id):
        cur = cursor()
        row, _ = _handled(cur, event_id, registration_id)
        return answer(shape.registration(row, queries.waitlist_position(cur, row)))


@blp.route("/<uuid:event_id>/registrations/<uuid:registration_id>/cancel")
class RegistrationCancellation(MethodView):
    @blp.response(200, RegistrationOut)
    def post(self, event_id, registration_id):
        """Cancel a registration; the first on the waitlist takes the seat."""
        cur = cursor()
        _, principal = _handled(cur, event_id, registration_id)
        return answer(shape.registration(registrations.cancel(cur, principal, event_id, registration_id)))


@blp.route("/<uuid:event_id>/attendance")
class Attendance(MethodView):
    @blp.arguments(AttendanceIn)
    @blp.response(200, page_of(RegistrationOut))
    def post(self, data, event_id):
        """Record who came and who did not (organizers, once the event has started)."""
        cur = cursor()
        principal = manager(cur, event_id)
        attended = {str(r["person_id"]): r["attended"] for r in data["records"]}
        updated = registrations.record_attendance(cur, principal, event_id, attended)
        return {"items": [shape.registration(row) for row in updated], "next_cursor": None}


mine = Blueprint("my_registrations", __name__, url_prefix="/me", description="The caller's own registrations.")


@mine.route("/registrations")
class MyRegistrations(MethodView):
    @mine.arguments(MyRegistrationQuery, location="query")
    @mine.response(200, page_of(RegistrationOut))
    def get(self, args):
        """Your registrations, newest arrival last, across every event (for "my events" pages)."""
        person = access.require_person(current_principal(), "Only people have registrations.")
        cur = cursor()
        found = queries.registrations_of(cur, person, args, cursor_of(args),
                                         args["limit"])
        return _page(cur, found, args["limit"])
