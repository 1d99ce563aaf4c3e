"""People: members, employees, volunteers and contacts of the organizations."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from services.registry import access
from shared.http.resources import (
    answer, answer_read, changed, conflicts, created, load, load_for_change, now, page_of, paginate)
from services.registry.messages import emit
from services.registry.schemas import PersonIn, PersonOut, PersonPatch, PersonQuery
from shared import rows

blp = Blueprint("people", __name__, url_prefix="/people",
                description="People of the member organizations. Personal data: visible to the person, "
                            "their organizations' admins and members, and coordinators.")
ORDER = ["full_name", "id"]
_IN_ORGANIZATIONS = ("id IN (SELECT person_id FROM memberships WHERE status = 'active' "
                     "AND organization_id = ANY(%s::uuid[]))")


def _duplicate(data: dict):
    return conflicts(f"A person with the email {data.get('email')!r} is already registered.")


def _require_can_see(principal, person_id) -> None:
    if principal.is_coordinator or principal.subject == str(person_id):
        return
    organizations = access.visible_organizations(principal)
    cur = cursor()
    cur.execute("SELECT 1 FROM memberships WHERE person_id = %s AND status = 'active' "
                "AND organization_id = ANY(%s::uuid[])", (person_id, list(organizations)))
    require(cur.fetchone() is not None, "You can see only yourself and the people of your organizations.")


def _require_can_change(principal, person_id) -> None:
    if principal.is_coordinator or principal.subject == str(person_id):
        return
    cur = cursor()
    cur.execute("SELECT 1 FROM memberships WHERE person_id = %s AND status = 'active' "
                "AND organization_id = ANY(%s::uuid[])", (person_id, list(principal.admin_of)))
    require(cur.fetchone() is not None, "Only the person, an admin of their organization or a coordinator can do this.")


@blp.route("")
class People(MethodView):
    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, page_of(PersonOut))
    def get(self, args):
        """List people; a non-coordinator sees the people of their own organizations."""
        principal = current_principal()
        require(not principal.is_partner_client, "Partner clients cannot read personal data.")
        conditions = []
        visible = access.visible_organizations(principal)
        if visible is not None:
            conditions.append((f"({_IN_ORGANIZATIONS} OR id::text = %s)", (list(visible), principal.subject)))
        if args["status"] != "all":
            conditions.append(("status = %s", (args["status"],)))
        if "organization_id" in args:
            conditions.append((_IN_ORGANIZATIONS, ([args["organization_id"]],)))
        if args.get("q"):
            conditions.append(("name_search @@ to_tsquery('simple', %s)", (rows.prefix_query(args["q"]) or "''",)))
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "people", conditions, ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(PersonIn)
    @blp.response(201, PersonOut)
    @idempotent
    def post(self, data):
        """Register a person (coordinators and organization admins)."""
        principal = current_principal()
        require(principal.is_coordinator or bool(principal.admin_of),
                "Only a coordinator or an organization admin can register people.")
        cur = cursor()
        with _duplicate(data):
            row = rows.insert(cur, "people", data)
        emit(cur, "person", "created", row)
        return created(row, "people.Person", person_id=row["id"])


@blp.route("/<uuid:person_id>")
class Person(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        principal = current_principal()
        row = load(cursor(), "people", person_id, "person")
        _require_can_see(principal, person_id)
        return answer_read(row)

    @blp.arguments(PersonPatch)
    @blp.response(200, PersonOut)
    def patch(self, changes, person_id):
        """Change a person's details or consents (If-Match required)."""
        principal = current_principal()
        cur = cursor()
        _require_can_change(principal, person_id)
        current = load_for_change(cur, "people", person_id, "person")
        changes = changed(current, changes)
        if not changes:
            return answer(current)
        with _duplicate({**current, **changes}):
            row = rows.update(cur, "people", person_id, changes)
        emit(cur, "person", "updated", row)
        return answer(row)


@blp.route("/<uuid:person_id>/deactivate")
class PersonDeactivation(MethodView):
    @blp.response(200, PersonOut)
    def post(self, person_id):
        """Deactivate a person (If-Match required); their history stays."""
        principal = current_principal()
        cur = cursor()
        _require_can_change(principal, person_id)
        current = load_for_change(cur, "people", person_id, "person")
        if current["status"] == "inactive":
            return answer(current)
        row = rows.update(cur, "people", person_id, {"status": "inactive", "deactivated_at": now()})
        emit(cur, "person", "deactivated", row)
        return answer(row)
