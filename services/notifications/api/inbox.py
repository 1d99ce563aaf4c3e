"""The in-app inbox: a person's notifications, newest first, with an unread count."""
from __future__ import annotations

from flask.views import MethodView
from shared.http.blueprint import Blueprint
from marshmallow import Schema, fields

from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.pagination import PageArgsSchema, decode_cursor, link_header, page_response
from shared.rows import keyset
from shared.http.problems import abort_problem

blp = Blueprint("inbox", __name__, url_prefix="/inbox", description="A person's in-app notifications.")


class InboxQuery(PageArgsSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only what is not read yet"})


class InboxItem(Schema):
    id = fields.UUID()
    kind = fields.String()
    subject = fields.String()
    body_text = fields.String(data_key="body")
    language = fields.String()
    event_id = fields.UUID(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxPage(Schema):
    items = fields.List(fields.Nested(InboxItem))
    next_cursor = fields.String(allow_none=True)


class UnreadCount(Schema):
    unread = fields.Integer()


class ReadAll(Schema):
    before = fields.AwareDateTime(metadata={"description": "only notifications created before this instant"})


def _me() -> str:
    principal = current_principal()
    require(not principal.is_partner_client, "The inbox belongs to people, not to API clients.")
    return principal.subject


@blp.route("")
class Inbox(MethodView):
    @blp.arguments(InboxQuery, location="query")
    @blp.response(200, InboxPage)
    def get(self, args):
        """Your notifications, newest first, a page at a time."""
        me = _me()
        # Newest first: the keyset runs on (created_at, id) descending, so negate the comparison.
        clauses, params = ["recipient_id::text = %s", "channel = 'in_app'"], [me]
        if args["unread"]:
            clauses.append("read_at IS NULL")
        if args.get("cursor"):
            clause, values = keyset(["created_at", "id"], decode_cursor(args["cursor"]))
            clauses.append(clause.replace(">", "<", 1))
            params += values
        cur = cursor()
        cur.execute(f"SELECT * FROM notifications WHERE {' AND '.join(clauses)} "  # noqa: S608 (fixed clauses)
                    "ORDER BY created_at DESC, id DESC LIMIT %s", [*params, args["limit"] + 1])
        page = page_response(cur.fetchall(), args["limit"], lambda row: (row["created_at"], row["id"]))
        return page, 200, link_header(page["next_cursor"])


@blp.route("/unread-count")
class Unread(MethodView):
    @blp.response(200, UnreadCount)
    def get(self):
        cur = cursor()
        cur.execute("SELECT count(*) AS unread FROM notifications WHERE recipient_id::text = %s "
                    "AND channel = 'in_app' AND read_at IS NULL", (_me(),))
        return cur.fetchone()


@blp.route("/<uuid:notification_id>/read")
class MarkRead(MethodView):
    @blp.response(200, InboxItem)
    def post(self, notification_id):
        """Mark one notification read (again: no change)."""
        cur = cursor()
        cur.execute("UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = %s "
                    "AND recipient_id::text = %s AND channel = 'in_app' RETURNING *", (notification_id, _me()))
        row = cur.fetchone()
        if row is None:
            abort_problem(404, "Notification not found", f"You have no notification {notification_id}.")
        return row


@blp.route("/read-all")
class MarkAllRead(MethodView):
    @blp.arguments(ReadAll)
    @blp.response(200, UnreadCount)
    def post(self, data):
        """Mark everything read (or everything created before `before`)."""
        me = _me()
        cur = cursor()
        cur.execute("UPDATE notifications SET read_at = now() WHERE recipient_id::text = %s AND channel = 'in_app' "
                    "AND read_at IS NULL AND created_at < COALESCE(%s, now() + interval '1 second')",
                    (me, data.get("before")))
        cur.execute("SELECT count(*) AS unread FROM notifications WHERE recipient_id::text = %s "
                    "AND channel = 'in_app' AND read_at IS NULL", (me,))
        return cur.fetchone()
