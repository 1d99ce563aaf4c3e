"""Partnerships between organizations: peers, study-visit hosts, program partners, joint projects."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared.auth.flask import current_principal
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from shared.http.problems import abort_problem
from services.registry import access
from shared.http.resources import (
    answer, answer_read, conflicts, created, load, load_for_change, now, page_of, paginate, require_active)
from services.registry.messages import emit
from services.registry.schemas import PartnershipIn, PartnershipOut, PartnershipQuery
from shared import rows

blp = Blueprint("partnerships", __name__, url_prefix="/partnerships",
                description="How organizations work together.")
ORDER = ["created_at", "id"]


@blp.route("")
class Partnerships(MethodView):
    @blp.arguments(PartnershipQuery, location="query")
    @blp.response(200, page_of(PartnershipOut))
    def get(self, args):
        access.require_reader(current_principal())
        conditions = []
        if "organization_id" in args:
            conditions.append(("(organization_id = %s OR partner_id = %s)", (args["organization_id"],) * 2))
        if "kind" in args:
            conditions.append(("kind = %s", (args["kind"],)))
        if args["status"] != "all":
            conditions.append(("status = %s", (args["status"],)))
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "partnerships", conditions, ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(PartnershipIn)
    @blp.response(201, PartnershipOut)
    @idempotent
    def post(self, data):
        """Record a partnership (coordinators, or an admin of either organization)."""
        access.require_admin_of(current_principal(), data["organization_id"], data["partner_id"])
        if data["organization_id"] == data["partner_id"]:
            abort_problem(422, "Invalid partnership", "An organization cannot partner with itself.",
                          errors={"partner_id": ["Must differ from organization_id."]})
        cur = cursor()
        for key in ("organization_id", "partner_id"):
            require_active(load(cur, "organizations", data[key], "organization"), "organization")
        with conflicts("These organizations already have an active partnership of this kind."):
            row = rows.insert(cur, "partnerships", data)
        emit(cur, "partnership", "created", row)
        return created(row, "partnerships.Partnership", partnership_id=row["id"])


@blp.route("/<uuid:partnership_id>")
class Partnership(MethodView):
    @blp.response(200, PartnershipOut)
    def get(self, partnership_id):
        access.require_reader(current_principal())
        return answer_read(load(cursor(), "partnerships", partnership_id, "partnership"))


@blp.route("/<uuid:partnership_id>/end")
class PartnershipEnd(MethodView):
    @blp.response(200, PartnershipOut)
    def post(self, partnership_id):
        """End a partnership (If-Match required)."""
        cur = cursor()
        current = load(cur, "partnerships", partnership_id, "partnership")
        access.require_admin_of(current_principal(), current["organization_id"], current["partner_id"])
        current = load_for_change(cur, "partnerships", partnership_id, "partnership")
        if current["status"] == "ended":
            return answer(current)
        row = rows.update(cur, "partnerships", partnership_id, {"status": "ended", "ended_at": now()})
        emit(cur, "partnership", "ended", row)
        return answer(row)
