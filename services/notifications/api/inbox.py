"""The in-app inbox: a person's notifications, newest first, with an unread count."""
from __future__ import annotations

from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.pagination import cursor_of
from shared.http.resources import page_of, paginate
from services.notifications import access, queries
from services.notifications.operations import inbox
from services.notifications.schemas import InboxItem, InboxQuery, ReadAll, UnreadCount

blp = Blueprint("inbox", __name__, url_prefix="/inbox", description="A person's in-app notifications.")


def _owner():
    principal = current_principal()
    access.require_inbox_owner(principal)
    return principal


@blp.route("")
class Inbox(MethodView):
    @blp.arguments(InboxQuery, location="query")
    @blp.response(200, page_of(InboxItem))
    def get(self, args):
        """Your notifications, newest first, a page at a time."""
        me = _owner()
        found = queries.inbox(cursor(), me.subject, args["unread"],
                              cursor_of(args), args["limit"])
        return paginate(found, args["limit"], queries.CREATED_ORDER)


@blp.route("/unread-count")
class Unread(MethodView):
    @blp.response(200, UnreadCount)
    def get(self):
        me = _owner()
        return {"unread": queries.unread(cursor(), me.subject)}


@blp.route("/<uuid:notification_id>/read")
class MarkRead(MethodView):
    @blp.response(200, InboxItem)
    def post(self, notification_id):
        """Mark one notification read (again: no change)."""
        me = _owner()
        return inbox.mark_read(cursor(), me, notification_id)


@blp.route("/read-all")
class MarkAllRead(MethodView):
    @blp.arguments(ReadAll)
    @blp.response(200, UnreadCount)
    def post(self, data):
        """Mark everything read (or everything created before `before`)."""
        me, cur = _owner(), cursor()
        inbox.mark_all_read(cur, me, data.get("before"))
        return {"unread": queries.unread(cur, me.subject)}
