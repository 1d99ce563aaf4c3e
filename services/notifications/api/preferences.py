"""A person's notification preferences, and the one-click unsubscribe links in their emails."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView

from shared.auth.flask import current_principal
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.etag import etag, if_match
from services.notifications import access, queries, render, unsubscribe
from services.notifications.operations import preferences
from services.notifications.schemas import Preferences, PreferencesPatch

blp = Blueprint("preferences", __name__, description="Notification preferences and unsubscribing.")
# The unsubscribe page in the person's language: title, question or answer, button.
TEXTS = {
    "ask": {"tr": ("Abonelikten çık", "«{kind}» bildirimlerini artık almak istemiyor musunuz?", "Evet, çık"),
            "en": ("Unsubscribe", "Stop receiving “{kind}” notifications?", "Yes, stop them")},
    "done": {"tr": ("Abonelikten çıktınız", "«{kind}» bildirimlerini artık almayacaksınız.", ""),
             "en": ("Unsubscribed", "You will no longer receive “{kind}” notifications.", "")},
}


def _answer(row: dict):
    return row, 200, {"ETag": etag(row["preferences_version"])}


def _owner():
    principal = current_principal()
    access.require_preferences_owner(principal)
    return principal


@blp.route("/preferences")
class MyPreferences(MethodView):
    @blp.response(200, Preferences)
    def get(self):
        """Your preferences (language and time zone come from your registry profile)."""
        me = _owner()
        return _answer(queries.person(cursor(), me.subject))

    @blp.arguments(PreferencesPatch)
    @blp.response(200, Preferences)
    def patch(self, changes):
        """Change your preferences (If-Match required)."""
        me = _owner()
        return _answer(preferences.change(cursor(), me, me.subject, changes, if_match()))


def _page(step: str, person: dict, kind: str, action: str | None = None) -> Response:
    title, text, button = TEXTS[step][person["language"]]
    return Response(render.page("unsubscribe.html", language=person["language"], title=title, button=button,
                                text=text.format(kind=kind.replace("_", " ")), action=action),
                    mimetype="text/html")


def _link(token: str) -> tuple[str, str]:
    return unsubscribe.read(current.settings(), token)


@blp.route("/unsubscribe/<string:token>")
class Unsubscribe(MethodView):
    @blp.response(200)
    def get(self, token):
        """The page an unsubscribe link opens: it asks, it does not act (mail scanners follow links)."""
        person_id, kind = _link(token)
        return _page("ask", queries.person(cursor(), person_id), kind, request.path)

    @blp.response(200)
    def post(self, token):
        """RFC 8058 one-click unsubscribe: a POST to the link stops that kind of notification."""
        person_id, kind = _link(token)
        return _page("done", preferences.unsubscribe(cursor(), person_id, kind), kind)
