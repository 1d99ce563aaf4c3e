"""Organizations of the learning community."""
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
from services.registry.schemas import OrganizationIn, OrganizationOut, OrganizationPatch, OrganizationQuery
from shared import rows

blp = Blueprint("organizations", __name__, url_prefix="/organizations",
                description="Organizations: participants, partner umbrellas, host organizations.")
ORDER = ["name", "id"]


def _duplicate(data: dict):
    return conflicts(f"An organization named {data.get('name')!r} already exists in {data.get('country')}.")


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationQuery, location="query")
    @blp.response(200, page_of(OrganizationOut))
    def get(self, args):
        """List organizations, filtered, in name order, a page at a time."""
        access.require_reader(current_principal())
        conditions = []
        if args["status"] != "all":
            conditions.append(("status = %s", (args["status"],)))
        if "country" in args:
            conditions.append(("country = %s", (args["country"],)))
        if "focus_area" in args:
            conditions.append(("focus_areas @> ARRAY[%s]", (args["focus_area"],)))
        if "role" in args:
            conditions.append(("roles @> ARRAY[%s]", (args["role"],)))
        if args.get("q"):
            conditions.append(("name_search @@ to_tsquery('simple', %s)", (rows.prefix_query(args["q"]) or "''",)))
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "organizations", conditions, ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(OrganizationIn)
    @blp.response(201, OrganizationOut)
    @idempotent
    def post(self, data):
        """Register an organization (coordinators)."""
        access.require_coordinator(current_principal())
        cur = cursor()
        with _duplicate(data):
            row = rows.insert(cur, "organizations", data)
        emit(cur, "organization", "created", row)
        return created(row, "organizations.Organization", organization_id=row["id"])


@blp.route("/<uuid:organization_id>")
class Organization(MethodView):
    @blp.response(200, OrganizationOut)
    def get(self, organization_id):
        access.require_reader(current_principal())
        return answer_read(load(cursor(), "organizations", organization_id, "organization"))

    @blp.arguments(OrganizationPatch)
    @blp.response(200, OrganizationOut)
    def patch(self, changes, organization_id):
        """Change an organization (If-Match required). Its community roles are a coordinator's call."""
        principal = current_principal()
        access.require_admin_of(principal, organization_id)
        require("roles" not in changes or principal.is_coordinator,
                "Only a coordinator can change an organization's roles in the community.")
        cur = cursor()
        current = load_for_change(cur, "organizations", organization_id, "organization")
        changes = changed(current, changes)
        if not changes:
            return answer(current)
        with _duplicate({**current, **changes}):
            row = rows.update(cur, "organizations", organization_id, changes)
        emit(cur, "organization", "updated", row)
        return answer(row)


@blp.route("/<uuid:organization_id>/deactivate")
class OrganizationDeactivation(MethodView):
    @blp.response(200, OrganizationOut)
    def post(self, organization_id):
        """Deactivate an organization (coordinators; If-Match required). Nothing is deleted."""
        access.require_coordinator(current_principal())
        cur = cursor()
        current = load_for_change(cur, "organizations", organization_id, "organization")
        if current["status"] == "inactive":
            return answer(current)
        row = rows.update(cur, "organizations", organization_id, {"status": "inactive", "deactivated_at": now()})
        emit(cur, "organization", "deactivated", row)
        return answer(row)
