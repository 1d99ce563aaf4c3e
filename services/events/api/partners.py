"""Partner sync: a partner's system upserts the events its organization organizes under its own
ids, and pulls every change that concerns it from a feed that never skips one."""
from __future__ import annotations

import re

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from shared.auth.flask import current_principal, require
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import etag
from shared.http.pagination import decode_cursor, encode_cursor, link_header
from shared.http.problems import abort_problem
from shared.http.resources import answer, answer_read
from services.events import access, sync
from services.events.api import shape
from services.events.schemas import EventCancel, EventIn, EventOut

blp = Blueprint("partners", __name__, description="Partner systems: upsert by their own ids, and the change feed.")
EXTERNAL_ID = re.compile(r"[A-Za-z0-9._:~@-]{1,200}")


def _require_writer(principal, organization_id, external_id: str) -> None:
    if not EXTERNAL_ID.fullmatch(external_id):
        abort_problem(422, "Invalid external id", "Use up to 200 letters, digits and . _ : ~ @ -.",
                      errors={"external_id": ["Not a usable id."]})
    if principal.is_partner_client:
        require(principal.has_scope("events:write") and principal.organization == str(organization_id),
                "This client writes only its own organization's events, with the events:write scope.")
    else:
        require(principal.can_admin(str(organization_id)),
                "Only a coordinator, an admin of this organization or its partner client can do this.")


@blp.route("/partners/<uuid:organization_id>/events/<string:external_id>")
class PartnerEvent(MethodView):
    @blp.response(200, EventOut)
    def get(self, organization_id, external_id):
        principal = current_principal()
        _require_writer(principal, organization_id, external_id)
        row = sync.load_external(cursor(), organization_id, external_id)
        if row is None:
            abort_problem(404, "Event not found", f"Your organization has no event with the id {external_id}.")
        return answer_read(shape.event(row, principal))

    @blp.arguments(EventIn)
    @blp.response(200, EventOut)
    def put(self, data, organization_id, external_id):
        """Create or replace the event the partner knows as `external_id`. The same body twice
        changes nothing and publishes nothing; a changed body updates and publishes once.
        `If-Match` (optional) refuses to overwrite a newer version."""
        principal = current_principal()
        _require_writer(principal, organization_id, external_id)
        if str(organization_id) not in {str(o) for o in data["organizer_ids"]}:
            abort_problem(422, "Not your organization's event", "A partner writes the events its organization "
                          "organizes or co-organizes: list it in organizer_ids.",
                          errors={"organizer_ids": [f"Must include {organization_id}."]})
        row, outcome = sync.upsert(cursor(), principal, organization_id, external_id, data, if_match=request.if_match)
        if outcome == "created":
            return shape.event(row, principal), 201, {"ETag": etag(row["version"]), "Location": request.url}
        return answer(shape.event(row, principal))

    @blp.arguments(EventCancel, location="query")
    @blp.response(200, EventOut)
    def delete(self, args, organization_id, external_id):
        """A partner's deletion cancels the event (everyone registered is told); it never vanishes."""
        principal = current_principal()
        _require_writer(principal, organization_id, external_id)
        cur = cursor()
        current = sync.load_external(cur, organization_id, external_id, for_update=True)
        if current is None:
            abort_problem(404, "Event not found", f"Your organization has no event with the id {external_id}.")
        row = sync.withdraw(cur, current, args.get("reason"))
        return answer(shape.event(row, principal))


def _without_link(change: dict, principal) -> dict:
    """The online link is for registered people and the organizations running the event (who are
    also told it by webhook); a feed reader from elsewhere gets the change without it."""
    data = change["payload"]
    concerned = {*(data.get("organizer_ids") or ()), *(data.get("partner_ids") or ()), data.get("host_id")}
    if data.get("online_url") and not (principal.is_coordinator or access.organizations_of(principal) & concerned):
        change = {**change, "payload": {**data, "online_url": None}}
    return change


class FeedArgs(Schema):
    cursor = fields.String(validate=validate.Length(max=200), metadata={"description": "the `cursor` of the last page"})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))


class Change(Schema):
    type = fields.String()
    event_id = fields.UUID()
    occurred_at = fields.DateTime(attribute="created_at")
    data = fields.Dict(attribute="payload")


class FeedPage(Schema):
    items = fields.List(fields.Nested(Change))
    cursor = fields.String(metadata={"description": "where the next pull starts (also when this page was empty)"})
    more = fields.Boolean(metadata={"description": "true when the next pull has changes waiting already"})


@blp.route("/feed")
class Feed(MethodView):
    @blp.arguments(FeedArgs, location="query")
    @blp.response(200, FeedPage)
    def get(self, args):
        """Every change of the events the caller may see, in order, a page at a time. Keep the
        returned `cursor` and pass it next time: a crash between pages only repeats a page."""
        principal = current_principal()
        if principal.is_partner_client:
            require(principal.has_scope("events:read"), "This client lacks the events:read scope.")
        position = decode_cursor(args["cursor"]) if args.get("cursor") else ("0", 0)
        if len(position) != 2:
            abort_problem(400, "Invalid cursor", "Use the cursor a feed page gave.", errors={"cursor": ["Not a feed cursor."]})
        visible = ["'public'"] + (["'members'"] if access.is_community_member(principal) else [])
        scope = "TRUE" if principal.is_coordinator else (
            f"(visibility IN ({', '.join(visible)}) OR organization_ids && %(mine)s::uuid[])")
        cur = cursor()
        cur.execute(
            # ORDER BY the column, not the text alias: text order puts txid 10 before 9 (and skips 9).
            f"""SELECT txid::text AS txid, seq, event_id, type, payload, created_at FROM changes
                WHERE (txid, seq) > (%(txid)s::xid8, %(seq)s)
                  AND txid < pg_snapshot_xmin(pg_current_snapshot())
                  AND {scope}
                ORDER BY changes.txid, seq LIMIT %(limit)s""",  # noqa: S608 (fixed pieces)
            {"txid": str(position[0]), "seq": int(position[1]), "limit": args["limit"] + 1,
             "mine": sorted(access.organizations_of(principal))})
        found = cur.fetchall()
        items = [_without_link(item, principal) for item in found[:args["limit"]]]
        last = (items[-1]["txid"], items[-1]["seq"]) if items else position
        next_cursor = encode_cursor(last)
        return {"items": items, "cursor": next_cursor, "more": len(found) > args["limit"]}, 200, (
            link_header(next_cursor) if len(found) > args["limit"] else {})
