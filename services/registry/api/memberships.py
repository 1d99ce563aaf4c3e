"""Memberships: a person's tie to an organization (member, employee, volunteer, board, contact)."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from services.registry import access
from shared.http.resources import (
    answer, answer_read, conflicts, created, load, load_for_change, now, page_of, paginate, require_active)
from services.registry.messages import emit
from services.registry.schemas import MembershipIn, MembershipOut, MembershipQuery
from shared import rows

blp = Blueprint("memberships", __name__, url_prefix="/memberships",
                description="Who belongs to which organization, and who administers it.")
ORDER = ["created_at", "id"]


def _require_can_see(principal, organization_id, person_id=None) -> None:
    visible = access.visible_organizations(principal)
    require(visible is None or str(organization_id) in visible or principal.subject == str(person_id),
            "You can see the memberships of your own organizations only.")


@blp.route("")
class Memberships(MethodView):
    @blp.arguments(MembershipQuery, location="query")
    @blp.response(200, page_of(MembershipOut))
    def get(self, args):
        """List memberships of the organizations the caller belongs to (all, for coordinators)."""
        principal = current_principal()
        require(not principal.is_partner_client, "Partner clients cannot read memberships.")
        conditions = []
        visible = access.visible_organizations(principal)
        if visible is not None:
            conditions.append(("(organization_id = ANY(%s::uuid[]) OR person_id::text = %s)",
                               (list(visible), principal.subject)))
        for name in ("organization_id", "person_id", "kind"):
            if name in args:
                conditions.append((f"{name} = %s", (args[name],)))
        if args["status"] != "all":
            conditions.append(("status = %s", (args["status"],)))
        cursor_values = decode_cursor(args["cursor"]) if args.get("cursor") else None
        found = rows.page(cursor(), "memberships", conditions, ORDER, cursor_values, args["limit"])
        return paginate(found, args["limit"], ORDER)

    @blp.arguments(MembershipIn)
    @blp.response(201, MembershipOut)
    @idempotent
    def post(self, data):
        """Add a person to an organization (coordinators and that organization's admins)."""
        access.require_admin_of(current_principal(), data["organization_id"])
        cur = cursor()
        require_active(load(cur, "organizations", data["organization_id"], "organization"), "organization")
        require_active(load(cur, "people", data["person_id"], "person"), "person")
        with conflicts("This person already has an active membership of this kind in this organization."):
            row = rows.insert(cur, "memberships", data)
        emit(cur, "membership", "created", row)
        return created(row, "memberships.Membership", membership_id=row["id"])


@blp.route("/<uuid:membership_id>")
class Membership(MethodView):
    @blp.response(200, MembershipOut)
    def get(self, membership_id):
        row = load(cursor(), "memberships", membership_id, "membership")
        _require_can_see(current_principal(), row["organization_id"], row["person_id"])
        return answer_read(row)


@blp.route("/<uuid:membership_id>/end")
class MembershipEnd(MethodView):
    @blp.response(200, MembershipOut)
    def post(self, membership_id):
        """End a membership (If-Match required); the record stays as history."""
        cur = cursor()
        current = load(cur, "memberships", membership_id, "membership")
        access.require_admin_of(current_principal(), current["organization_id"])
        current = load_for_change(cur, "memberships", membership_id, "membership")
        if current["status"] == "ended":
            return answer(current)
        row = rows.update(cur, "memberships", membership_id, {"status": "ended", "ended_at": now()})
        emit(cur, "membership", "ended", row)
        return answer(row)
