"""A person's platform roles (the coordinator role): granted and withdrawn by coordinators, every
grant kept with who and when."""
from __future__ import annotations

from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal
from shared.errors import not_found
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import if_match
from shared.http.idempotency import idempotent
from shared.http.resources import answer, answer_read, created, page_of
from services.registry import access, queries
from services.registry.operations import roles
from services.registry.schemas import RoleGrantIn, RoleGrantOut

blp = Blueprint("roles", __name__, url_prefix="/people/<uuid:person_id>/roles",
                description="Platform roles, granted and withdrawn by coordinators (who, when). A withdrawal "
                            "stops the person's tokens in every service within seconds.")


@blp.route("")
class RoleGrants(MethodView):
    @blp.response(200, page_of(RoleGrantOut))
    def get(self, person_id):
        """Every grant of the person, active and withdrawn, oldest first (coordinators)."""
        access.require_coordinator(current_principal())
        cur = cursor()
        rows.load(cur, "people", person_id, "person")
        return {"items": queries.role_grants(cur, person_id), "next_cursor": None}

    @blp.arguments(RoleGrantIn)
    @blp.response(201, RoleGrantOut)
    @idempotent
    def post(self, data, person_id):
        """Grant a role (coordinators); 409 when the person holds it already."""
        principal = current_principal()
        access.require_coordinator(principal)
        row = roles.grant(cursor(), principal, person_id, data["role"])
        return created(row, "roles.RoleGrant", person_id=person_id, grant_id=row["id"])


def _grant(cur, person_id, grant_id) -> dict:
    row = rows.get(cur, "role_grants", grant_id)
    if row is None or row["person_id"] != person_id:
        raise not_found("role grant", grant_id)
    return row


@blp.route("/<uuid:grant_id>")
class RoleGrant(MethodView):
    @blp.response(200, RoleGrantOut)
    def get(self, person_id, grant_id):
        access.require_coordinator(current_principal())
        return answer_read(_grant(cursor(), person_id, grant_id))


@blp.route("/<uuid:grant_id>/withdraw")
class RoleWithdrawal(MethodView):
    @blp.response(200, RoleGrantOut)
    def post(self, person_id, grant_id):
        """Withdraw a role (coordinators; If-Match required). The last coordinator's cannot be (409)."""
        principal = current_principal()
        access.require_coordinator(principal)
        return answer(roles.withdraw(cursor(), principal, person_id, grant_id, if_match()))
