"""People: members, employees, volunteers and contacts of the organizations."""
from __future__ import annotations

from flask.views import MethodView

from shared import ratelimit, rows
from shared.auth.flask import current_principal
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http.db import cursor, keep_writes, pool
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.pagination import cursor_of
from shared.http.resources import answer, answer_read, created, page_of, paginate
from services.registry import access, queries
from services.registry.errors import WrongCode
from services.registry.operations import people
from services.registry.schemas import EmailConfirmation, PersonCreated, PersonOut, PersonPatch, PersonQuery, \
    PersonRegistration

blp = Blueprint("people", __name__, url_prefix="/people",
                description="People of the member organizations. Personal data: visible to the person, "
                            "their organizations' admins and members, and coordinators.")
MEMBERSHIP_FIELDS = ("organization_id", "kind", "is_admin", "title")


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

    @blp.arguments(PersonRegistration)
    @blp.response(201, PersonCreated)
    @idempotent
    def post(self, data):
        """Register a person: coordinators, and organization admins for an organization they administer
        (`organization_id` and `kind`: the person and their membership together). They get a welcome
        email inviting them to sign in. A person who exists already is a 409 naming their `person_id`:
        invite them (POST /memberships) instead."""
        principal = current_principal()
        membership = {k: data.pop(k) for k in MEMBERSHIP_FIELDS if k in data} or None
        access.require_can_register_person(principal, membership and membership["organization_id"])
        row = people.register(cursor(), principal, data, membership)
        return created(row, "people.Person", person_id=row["id"])


def _their_organizations(cur, person_id) -> set[str]:
    return queries.organizations_of_person(cur, person_id)


@blp.route("/<uuid:person_id>")
class Person(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        principal = current_principal()
        cur = cursor()
        row = rows.load(cur, "people", person_id, "person")
        access.require_can_see_person(principal, person_id, _their_organizations(cur, person_id))
        return answer_read({**row, "pending_email": queries.pending_email(cur, person_id)})

    @blp.arguments(PersonPatch)
    @blp.response(200, PersonOut)
    def patch(self, changes, person_id):
        """Change a person's details or consents (If-Match required). A new `email` is not taken at once:
        a code goes to the new address, and `POST /people/{id}/email/confirm` with it makes the change
        (`pending_email` shows the address waiting)."""
        principal = current_principal()
        cur = cursor()
        access.require_can_change_person(principal, person_id, _their_organizations(cur, person_id))
        if "email" in changes:
            settings = current.settings()
            ratelimit.hit(pool(), f"email-change:{person_id}", settings.sign_in_limit, settings.sign_in_window_seconds)
        return answer(people.change(cur, principal, current.settings(), person_id, changes, if_match()))


@blp.route("/<uuid:person_id>/email/confirm")
class EmailChangeConfirmation(MethodView):
    @blp.arguments(EmailConfirmation)
    @blp.response(200, PersonOut)
    def post(self, data, person_id):
        """Confirm a change of address with the code emailed to the new address: the change is made (and
        published). Five wrong codes lock it; ask for the change again."""
        principal = current_principal()
        cur = cursor()
        access.require_can_change_person(principal, person_id, _their_organizations(cur, person_id))
        try:
            return answer(people.confirm_email(cur, principal, current.settings(), person_id, data["code"]))
        except WrongCode:
            keep_writes()  # the wrong try counts
            raise


@blp.route("/<uuid:person_id>/deactivate")
class PersonDeactivation(MethodView):
    @blp.response(200, PersonOut)
    def post(self, person_id):
        """Deactivate a person (If-Match required); their history stays. Their sessions end and their
        tokens stop working in every service within seconds."""
        principal = current_principal()
        cur = cursor()
        access.require_can_change_person(principal, person_id, _their_organizations(cur, person_id))
        return answer(people.deactivate(cur, principal, person_id, if_match()))
