"""Memberships: a person's tie to an organization (member, employee, volunteer, board, contact).
Joining another organization needs the person's consent: an admin's request is an invitation that
the person accepts or declines (operations/memberships.py)."""
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
from services.registry.operations import memberships
from services.registry.schemas import MembershipIn, MembershipOut, MembershipQuery

blp = Blueprint("memberships", __name__, url_prefix="/memberships",
                description="Who belongs to which organization, and who administers it. An organization's "
                            "admin invites a person who is not in it yet; the person accepts or declines.")


@blp.route("")
class Memberships(MethodView):
    @blp.arguments(MembershipQuery, location="query")
    @blp.response(200, page_of(MembershipOut))
    def get(self, args):
        """List memberships of the organizations the caller belongs to, and their own (all, for
        coordinators); invitations never accepted only for the organization's admins and the person."""
        principal = current_principal()
        access.require_personal_data_reader(principal, "memberships")
        found = queries.memberships(cursor(), args, access.visible_organizations(principal), principal.subject,
                                    cursor_of(args), args["limit"], administered=set(principal.admin_of))
        return paginate(found, args["limit"], queries.CREATED_ORDER)

    @blp.arguments(MembershipIn)
    @blp.response(201, MembershipOut)
    @idempotent
    def post(self, data):
        """Add a person to an organization (coordinators and that organization's admins). A coordinator's
        is active at once; an admin's is an invitation (`status: invited`) the person accepts or declines,
        unless the person belongs to that organization already."""
        principal = current_principal()
        access.require_admin_of(principal, data["organization_id"])
        row = memberships.add(cursor(), principal, data)
        return created(row, "memberships.Membership", membership_id=row["id"])


@blp.route("/<uuid:membership_id>")
class Membership(MethodView):
    @blp.response(200, MembershipOut)
    def get(self, membership_id):
        row = rows.load(cursor(), "memberships", membership_id, "membership")
        access.require_can_see_membership(current_principal(), row)
        return answer_read(row)


@blp.route("/<uuid:membership_id>/end")
class MembershipEnd(MethodView):
    @blp.response(200, MembershipOut)
    def post(self, membership_id):
        """End a membership (If-Match required; the organization's admins, coordinators, or the person
        leaving); the record stays as history. A pending invitation is withdrawn."""
        principal = current_principal()
        cur = cursor()
        access.require_can_end_membership(principal, rows.load(cur, "memberships", membership_id, "membership"))
        return answer(memberships.end(cur, principal, membership_id, if_match()))


@blp.route("/<uuid:membership_id>/accept")
class InvitationAcceptance(MethodView):
    @blp.response(200, MembershipOut)
    def post(self, membership_id):
        """Accept an invitation (the person invited): the membership is active from now on."""
        principal = current_principal()
        cur = cursor()
        access.require_invitee(principal, rows.load(cur, "memberships", membership_id, "membership"))
        return answer(memberships.accept(cur, principal, membership_id))


@blp.route("/<uuid:membership_id>/decline")
class InvitationRefusal(MethodView):
    @blp.response(200, MembershipOut)
    def post(self, membership_id):
        """Decline an invitation (the person invited): the organization gets no right over them."""
        principal = current_principal()
        cur = cursor()
        access.require_invitee(principal, rows.load(cur, "memberships", membership_id, "membership"))
        return answer(memberships.decline(cur, principal, membership_id))
