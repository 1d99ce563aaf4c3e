"""Registrations: a person registers on behalf of their organization; capacity and waitlist.

Every change to an event's seats locks the event row first, so 200 people racing for 30 seats
get exactly 30 seats and a waitlist in the order they arrived.
"""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared import rows
from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from shared.http.problems import abort_problem
from shared.http.resources import answer, conflicts, created, load, page_of, paginate
from services.events import access, directory, rules, times
from services.events.api import shape
from services.events.api.events import load_visible
from services.events.messages import emit
from services.events.schemas import (
    AttendanceIn, RegistrationIn, RegistrationOut, RegistrationQuery)

blp = Blueprint("registrations", __name__, url_prefix="/events",
                description="Registrations, the waitlist and attendance.")
ORDER = ["arrival"]


def _on_behalf_of(principal, data: dict) -> tuple:
    """Who is registered and for which organization, and whether the caller may do that."""
    person = data.get("person_id") or directory.as_person_id(principal.subject)
    if person is None:
        abort_problem(422, "Person missing", "Say whom to register.", errors={"person_id": ["Required for clients."]})
    organization = data.get("organization_id")
    if organization is None:
        mine = sorted(access.organizations_of(principal))
        if len(mine) != 1:
            abort_problem(422, "Organization missing", "Say on behalf of which organization you register.",
                          errors={"organization_id": ["Required when you belong to several or none."]})
        organization = mine[0]
    self_service = str(person) == principal.subject and principal.is_member_of(organization)
    on_behalf = principal.is_coordinator or str(organization) in access.organizations_of(principal) and (
        principal.can_admin(organization) or (principal.is_partner_client and principal.has_scope("events:write")))
    require(self_service or on_behalf,
            "Members register themselves for their own organization; admins register their organization's people.")
    return person, organization


def _require_open(event: dict) -> None:
    now = times.now()
    if event["status"] == "cancelled":
        abort_problem(409, "Event is cancelled", "A cancelled event takes no registrations.")
    if event["status"] == "completed" or event["ends_at"] <= now:
        abort_problem(409, "Event is over", "An event that has ended takes no registrations.")
    if event["status"] == "draft":
        abort_problem(409, "Event is not scheduled", "A draft takes no registrations.")
    if event["registration_opens_at"] and now < event["registration_opens_at"]:
        abort_problem(409, "Registration is not open yet",
                      f"Registration opens at {event['registration_opens_at'].isoformat()}.")
    if event["registration_closes_at"] and now >= event["registration_closes_at"]:
        abort_problem(409, "Registration is closed",
                      f"Registration closed at {event['registration_closes_at'].isoformat()}.")


def _require_invited(principal, event: dict, organization) -> None:
    if event["visibility"] == "invitation" and not principal.is_coordinator:
        require(str(organization) in access.involved(event), "This event is by invitation only.")


@blp.route("/<uuid:event_id>/registrations")
class Registrations(MethodView):
    @blp.arguments(RegistrationQuery, location="query")
    @blp.response(200, page_of(RegistrationOut))
    def get(self, args, event_id):
        """The event's registrations in arrival order: all for its organizers; your organizations' otherwise."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        conditions = [("event_id = %s", (event_id,))]
        if not access.can_manage(principal, event):
            mine = sorted(access.organizations_of(principal))
            conditions.append(("(organization_id = ANY(%s::uuid[]) OR person_id::text = %s)", (mine, principal.subject)))
        if "status" in args:
            conditions.append(("status = %s", (args["status"],)))
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cur, "registrations", conditions, ORDER, cursor_values, args["limit"])
        return paginate([shape.registration(r, rules.waitlist_position(cur, r)) for r in found], args["limit"], ORDER)

    @blp.arguments(RegistrationIn)
    @blp.response(201, RegistrationOut)
    @idempotent
    def post(self, data, event_id):
        """Register (yourself, or as an admin one of your organization's people). Full events waitlist you.

        `warnings` lists the person's other registrations at the same time."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        person, organization = _on_behalf_of(principal, data)
        _require_open(event)
        _require_invited(principal, event, organization)
        directory.require_active_organizations(cur, "organization_id", [organization])
        directory.require_active_person(cur, "person_id", person)
        directory.require_member(cur, "person_id", person, organization)
        warnings = [{"code": "overlapping_registration", "event_id": other["id"],
                     "detail": f"Also registered for an event at the same time: "
                               f"{next(iter(other['title'].values()))} ({other['starts_at'].isoformat()})."}
                    for other in rules.overlapping(cur, {"person_id": person}, event)]
        # Every seat change locks the event row; everything above ran before, so the lock is held
        # only for the seat itself. What was checked may have changed meanwhile: check it again.
        event = rows.get(cur, "events", event_id, for_update=True)
        _require_open(event)
        status = "registered" if rules.has_room(event) else "waitlisted"
        with conflicts("This person is already registered for this event."):
            row = rows.insert(cur, "registrations", {
                "event_id": event_id, "person_id": person, "organization_id": organization, "status": status,
                "registered_by": principal.subject})
        rules.count_change(cur, event, registered=int(status == "registered"), waitlisted=int(status == "waitlisted"))
        position = rules.waitlist_position(cur, row)
        emit(cur, "registration", "created", row, waitlist_position=position)
        return created(shape.registration(row, position, warnings), "registrations.Registration",
                       event_id=event_id, registration_id=row["id"])


def _load_registration(cur, event_id, registration_id) -> dict:
    row = load(cur, "registrations", registration_id, "registration")
    if row["event_id"] != event_id:
        abort_problem(404, "Registration not found", f"The event {event_id} has no registration {registration_id}.")
    return row


def _require_can_touch(principal, event: dict, registration: dict) -> None:
    require(access.can_manage(principal, event) or str(registration["person_id"]) == principal.subject
            or principal.can_admin(registration["organization_id"]),
            "Only the person, an admin of their organization or the organizers can do this.")


@blp.route("/<uuid:event_id>/registrations/<uuid:registration_id>")
class Registration(MethodView):
    @blp.response(200, RegistrationOut)
    def get(self, event_id, registration_id):
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id)
        row = _load_registration(cur, event_id, registration_id)
        _require_can_touch(principal, event, row)
        return answer(shape.registration(row, rules.waitlist_position(cur, row)))


@blp.route("/<uuid:event_id>/registrations/<uuid:registration_id>/cancel")
class RegistrationCancellation(MethodView):
    @blp.response(200, RegistrationOut)
    def post(self, event_id, registration_id):
        """Cancel a registration; the first on the waitlist takes the seat."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id, for_update=True)
        row = _load_registration(cur, event_id, registration_id)
        _require_can_touch(principal, event, row)
        if row["status"] == "cancelled":
            return answer(shape.registration(row))
        if event["status"] in rules.CLOSED:
            abort_problem(409, f"Event is {event['status']}", "Registrations of a finished event stay as they are.")
        was = row["status"]
        row = rows.update(cur, "registrations", registration_id, {"status": "cancelled", "cancelled_at": times.now()})
        event = rules.count_change(cur, event, registered=-int(was == "registered"), waitlisted=-int(was == "waitlisted"))
        emit(cur, "registration", "cancelled", row, waitlist_position=None)
        rules.fill_seats(cur, event)
        return answer(shape.registration(row))


@blp.route("/<uuid:event_id>/attendance")
class Attendance(MethodView):
    @blp.arguments(AttendanceIn)
    @blp.response(200, page_of(RegistrationOut))
    def post(self, data, event_id):
        """Record who came and who did not (organizers, once the event has started)."""
        principal = current_principal()
        cur = cursor()
        event, _ = load_visible(cur, event_id, for_update=True)
        access.require_manager(principal, event)
        if event["status"] == "cancelled" or event["starts_at"] > times.now():
            abort_problem(409, "Too early for attendance", "Attendance is recorded once the event has started.")
        wanted = {str(r["person_id"]): r["attended"] for r in data["records"]}
        cur.execute("SELECT * FROM registrations WHERE event_id = %s AND status = 'registered' "
                    "AND person_id = ANY(%s::uuid[]) FOR UPDATE", (event_id, list(wanted)))
        found = {str(r["person_id"]): r for r in cur.fetchall()}
        unknown = sorted(set(wanted) - set(found))
        if unknown:
            abort_problem(422, "Not registered", "Attendance is recorded for registered people only.",
                          errors={"records": [f"{p} is not registered for this event." for p in unknown]})
        updated = []
        for person, attended in wanted.items():
            value = "attended" if attended else "no_show"
            row = found[person]
            if row["attendance"] != value:
                row = rows.update(cur, "registrations", row["id"], {"attendance": value})
                if attended:
                    emit(cur, "registration", "attended", row, waitlist_position=None)
            updated.append(shape.registration(row))
        return {"items": updated, "next_cursor": None}


mine = Blueprint("my_registrations", __name__, url_prefix="/me", description="The caller's own registrations.")


@mine.route("/registrations")
class MyRegistrations(MethodView):
    @mine.arguments(RegistrationQuery, location="query")
    @mine.response(200, page_of(RegistrationOut))
    def get(self, args):
        """Your registrations, newest arrival last, across every event (for "my events" pages)."""
        person = directory.as_person_id(current_principal().subject)
        if person is None:
            abort_problem(403, "Forbidden", "Only people have registrations.")
        conditions = [("person_id = %s", (person,))]
        if "status" in args:
            conditions.append(("status = %s", (args["status"],)))
        cur = cursor()
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cur, "registrations", conditions, ORDER, cursor_values, args["limit"])
        return paginate([shape.registration(r, rules.waitlist_position(cur, r)) for r in found], args["limit"], ORDER)
