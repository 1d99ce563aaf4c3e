"""Partnerships between organizations: peers, study-visit hosts, program partners, joint projects."""
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
from services.registry.operations import partnerships
from services.registry.schemas import PartnershipIn, PartnershipOut, PartnershipQuery

blp = Blueprint("partnerships", __name__, url_prefix="/partnerships",
                description="How organizations work together.")


@blp.route("")
class Partnerships(MethodView):
    @blp.arguments(PartnershipQuery, location="query")
    @blp.response(200, page_of(PartnershipOut))
    def get(self, args):
        access.require_reader(current_principal())
        found = queries.partnerships(cursor(), args, cursor_of(args),
                                     args["limit"])
        return paginate(found, args["limit"], queries.CREATED_ORDER)

    @blp.arguments(PartnershipIn)
    @blp.response(201, PartnershipOut)
    @idempotent
    def post(self, data):
        """Record a partnership (coordinators, or an admin of either organization)."""
        principal = current_principal()
        access.require_admin_of(principal, data["organization_id"], data["partner_id"])
        row = partnerships.record(cursor(), principal, data)
        return created(row, "partnerships.Partnership", partnership_id=row["id"])


@blp.route("/<uuid:partnership_id>")
class Partnership(MethodView):
    @blp.response(200, PartnershipOut)
    def get(self, partnership_id):
        access.require_reader(current_principal())
        return answer_read(rows.load(cursor(), "partnerships", partnership_id, "partnership"))


@blp.route("/<uuid:partnership_id>/end")
class PartnershipEnd(MethodView):
    @blp.response(200, PartnershipOut)
    def post(self, partnership_id):
        """End a partnership (If-Match required)."""
        principal = current_principal()
        cur = cursor()
        current = rows.load(cur, "partnerships", partnership_id, "partnership")
        access.require_admin_of(principal, current["organization_id"], current["partner_id"])
        return answer(partnerships.end(cur, principal, partnership_id, if_match()))
