"""People: members, employees, volunteers and contacts of the organizations."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.registry import access, queries
from services.registry.operations import people
from services.registry.schemas import PersonIn, PersonOut, PersonPatch, PersonQuery

blp = Blueprint("people", __name__, url_prefix="/people",
                description="People of the member organizations. Personal data: visible to the person, "
                            "their organizations' admins and members, and coordinators.")


@blp.route("")
class People(MethodView):
    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, page_of(PersonOut))
    def get(self, args):
        """List people; a non-coordinator sees the people of their own organizations."""
        principal = current_principal()
        access.require_personal_data_reader(principal)
        found = queries.people(cursor(), args, access.visible_organizations(principal), principal.subject,
                               cursor_of(args), args["limit"])
        return paginate(found, args["limit"], queries.PERSON_ORDER)

    @blp.arguments(PersonIn)
    @blp.response(201, PersonOut)
    @idempotent
    def post(self, data):
        """Register a person (coordinators and organization admins)."""
        principal = current_principal()
        access.require_can_register_people(principal)
        row = people.register(cursor(), principal, data)
        return created(row, "people.Person", person_id=row["id"])


@blp.route("/<uuid:person_id>")
class Person(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        principal = current_principal()
        cur = cursor()
        row = rows.load(cur, "people", person_id, "person")
        access.require_can_see_person(principal, person_id, queries.organizations_of_person(cur, person_id))
        return answer_read(row)

    @blp.arguments(PersonPatch)
    @blp.response(200, PersonOut)
    def patch(self, changes, person_id):
        """Change a person's details or consents (If-Match required)."""
        principal = current_principal()
        cur = cursor()
        access.require_can_change_person(principal, person_id, queries.organizations_of_person(cur, person_id))
        return answer(people.change(cur, principal, person_id, changes, if_match()))


@blp.route("/<uuid:person_id>/deactivate")
class PersonDeactivation(MethodView):
    @blp.response(200, PersonOut)
    def post(self, person_id):
        """Deactivate a person (If-Match required); their history stays."""
        principal = current_principal()
        cur = cursor()
        access.require_can_change_person(principal, person_id, queries.organizations_of_person(cur, person_id))
        return answer(people.deactivate(cur, principal, person_id, if_match()))
