"""Organizations of the learning community."""
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
from services.registry.operations import organizations
from services.registry.schemas import OrganizationIn, OrganizationOut, OrganizationPatch, OrganizationQuery

blp = Blueprint("organizations", __name__, url_prefix="/organizations",
                description="Organizations: participants, partner umbrellas, host organizations.")


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuery, location="query")
    @blp.response(200, page_of(OrganizationOut))
    def get(self, args):
        """List organizations, filtered, in name order, a page at a time."""
        access.require_reader(current_principal())
        found = queries.organizations(cursor(), args, cursor_of(args),
                                      args["limit"])
        return paginate(found, args["limit"], queries.ORGANIZATION_ORDER)

    @blp.arguments(OrganizationIn)
    @blp.response(201, OrganizationOut)
    @idempotent
    def post(self, data):
        """Register an organization (coordinators)."""
        principal = current_principal()
        access.require_coordinator(principal)
        row = organizations.register(cursor(), principal, data)
        return created(row, "organizations.Organization", organization_id=row["id"])


@blp.route("/<uuid:organization_id>")
class Organization(MethodView):
    @blp.response(200, OrganizationOut)
    def get(self, organization_id):
        access.require_reader(current_principal())
        return answer_read(rows.load(cursor(), "organizations", organization_id, "organization"))

    @blp.arguments(OrganizationPatch)
    @blp.response(200, OrganizationOut)
    def patch(self, changes, organization_id):
        """Change an organization (If-Match required). Its community roles are a coordinator's call."""
        principal = current_principal()
        access.require_can_change_organization(principal, organization_id, changes)
        return answer(organizations.change(cursor(), principal, organization_id, changes, if_match()))


@blp.route("/<uuid:organization_id>/deactivate")
class OrganizationDeactivation(MethodView):
    @blp.response(200, OrganizationOut)
    def post(self, organization_id):
        """Deactivate an organization (coordinators; If-Match required). Nothing is deleted."""
        principal = current_principal()
        access.require_coordinator(principal)
        return answer(organizations.deactivate(cursor(), principal, organization_id, if_match()))
