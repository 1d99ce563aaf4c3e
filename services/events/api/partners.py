"""Partner sync: a partner's system upserts the events its organization organizes under its own
ids, and pulls every change that concerns it from a feed that never skips one."""
from __future__ import annotations

import logging
import re

from flask import request
from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.auth.principal import Principal
from shared.errors import BadRequest, Invalid
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import etag, if_match
from shared.http.pagination import decode_cursor, link_header
from shared.paging import encode_cursor
from shared.http.resources import answer, answer_read
from services.events import access, queries
from services.events.api import shape
from services.events.errors import NotOurs
from services.events.operations import partner_sync
from services.events.schemas import EventCancel, EventIn, EventOut, FeedArgs, FeedPage

blp = Blueprint("partners", __name__, description="Partner systems: upsert by their own ids, and the change feed.")
EXTERNAL_ID = re.compile(r"[A-Za-z0-9._:~@-]{1,200}")
HELD_BACK_WARNING_SECONDS = 60  # a transaction open this long holds the feed back: say so
log = logging.getLogger(__name__)


def _writer(organization_id, external_id: str) -> Principal:
    """The caller, once the id is seen to be usable and the caller to write the organization's events."""
    principal = current_principal()
    if not EXTERNAL_ID.fullmatch(external_id):
        raise Invalid("Invalid external id", "Use up to 200 letters, digits and . _ : ~ @ -.",
                      errors={"external_id": ["Not a usable id."]})
    access.require_partner_writer(principal, organization_id, "events")
    return principal


def _existing(cur, organization_id, external_id: str) -> dict:
    row = queries.external_event(cur, organization_id, external_id)
    if row is None:
        raise NotOurs("Event not found", "event", external_id)
    return row


@blp.route("/partners/<uuid:organization_id>/events/<string:external_id>")
class PartnerEvent(MethodView):
    @blp.response(200, EventOut)
    def get(self, organization_id, external_id):
        principal = _writer(organization_id, external_id)
        return answer_read(shape.event(cursor(), _existing(cursor(), organization_id, external_id), principal))

    @blp.arguments(EventIn)
    @blp.response(200, EventOut)
    def put(self, data, organization_id, external_id):
        """Create or replace the event the partner knows as `external_id`. The same body twice
        changes nothing and publishes nothing; a changed body updates and publishes once.
        `If-Match` (optional) refuses to overwrite a newer version."""
        principal = _writer(organization_id, external_id)
        row, outcome = partner_sync.upsert(cursor(), principal, organization_id, external_id, data,
                                           if_match(required=False))
        if outcome == "created":
            return shape.event(cursor(), row, principal), 201, {"ETag": etag(row["version"]), "Location": request.url}
        return answer(shape.event(cursor(), row, principal))

    @blp.arguments(EventCancel, location="query")
    @blp.response(200, EventOut)
    def delete(self, args, organization_id, external_id):
        """A partner's deletion cancels the event (everyone registered is told); it never vanishes."""
        principal = _writer(organization_id, external_id)
        cur = cursor()
        current = _existing(cur, organization_id, external_id)
        return answer(shape.event(cursor(), partner_sync.withdraw(cur, principal, current["id"], args.get("reason")), principal))


def _without_link(change: dict, principal: Principal, registered: set) -> dict:
    """The change, with its online link only for those GET /events/{id} would show it to (its
    organizers as the change names them, and the people registered)."""
    data = change["payload"]
    sees = access.sees_online_link(principal, {"organizer_ids": data.get("organizer_ids") or []},
                                   change["event_id"] in registered)
    if data.get("online_url") and not sees:
        change = {**change, "payload": {**data, "online_url": None}}
    return change


def _report_held_back(cur) -> None:
    """Say in the log which transaction of this database has held the feed back for long: no
    change past it is served until it ends."""
    holder = queries.feed_held_back_by(cur, HELD_BACK_WARNING_SECONDS)
    if holder is not None:
        log.warning("change feed held back", extra={"txid": holder["txid"], "pid": holder["pid"],
                                                     "since": holder["since"].isoformat()})


@blp.route("/feed")
class Feed(MethodView):
    @blp.arguments(FeedArgs, location="query")
    @blp.response(200, FeedPage)
    def get(self, args):
        """Every change of the events the caller may see, in order, a page at a time. Keep the
        returned `cursor` and pass it next time: a crash between pages only repeats a page."""
        principal = current_principal()
        access.require_feed_reader(principal)
        position = decode_cursor(args["cursor"]) if args.get("cursor") else ("0", 0)
        if len(position) != 2:
            raise BadRequest("Invalid cursor", "Use the cursor a feed page gave.", errors={"cursor": ["Not a feed cursor."]})
        cur = cursor()
        found = queries.changes(cur, position, access.changes_condition(principal), args["limit"])
        registered = queries.registered_among(cur, access.person_of(principal), {c["event_id"] for c in found})
        items = [_without_link(item, principal, registered) for item in found[:args["limit"]]]
        _report_held_back(cur)
        next_cursor = encode_cursor((items[-1]["txid"], items[-1]["seq"]) if items else position)
        more = len(found) > args["limit"]
        return {"items": items, "cursor": next_cursor, "more": more}, 200, link_header(next_cursor) if more else {}
