"""A person's notification preferences, and the one-click unsubscribe links in their emails."""
from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView
from shared.http.blueprint import Blueprint
from marshmallow import Schema, fields, validate
from markupsafe import escape

from shared.auth.flask import current_principal, require
from shared.http.db import cursor
from shared.http.etag import etag, require_if_match
from shared.http.problems import abort_problem
from services.notifications import unsubscribe
from services.notifications.notify import KINDS

blp = Blueprint("preferences", __name__, description="Notification preferences and unsubscribing.")
TAG = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{1,59}$")


class Preferences(Schema):
    """What a person wants to be told, and how."""

    channels = fields.List(fields.String(validate=validate.OneOf(("email", "in_app"))))
    digest = fields.String(validate=validate.OneOf(("immediate", "daily")),
                           metadata={"description": "daily: news by one email a day at 08:00 your time"})
    followed_topics = fields.List(fields.String(validate=TAG))
    followed_series = fields.List(fields.UUID())
    muted_kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)))
    language = fields.String(dump_only=True)
    time_zone = fields.String(dump_only=True)


class PreferencesPatch(Preferences):
    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


def _load(cur, person: str, *, for_update: bool = False) -> dict:
    cur.execute("SELECT * FROM recipients WHERE id::text = %s" + (" FOR UPDATE" if for_update else ""), (person,))
    row = cur.fetchone()
    if row is None:
        abort_problem(404, "Not known yet", "Notifications has no record of you yet; people come from the registry.")
    return row


def _answer(row: dict):
    return row, 200, {"ETag": etag(row["preferences_version"])}


@blp.route("/preferences")
class MyPreferences(MethodView):
    @blp.response(200, Preferences)
    def get(self):
        """Your preferences (language and time zone come from your registry profile)."""
        principal = current_principal()
        require(not principal.is_partner_client, "Preferences belong to people.")
        return _answer(_load(cursor(), principal.subject))

    @blp.arguments(PreferencesPatch)
    @blp.response(200, Preferences)
    def patch(self, changes):
        """Change your preferences (If-Match required)."""
        principal = current_principal()
        require(not principal.is_partner_client, "Preferences belong to people.")
        cur = cursor()
        current = _load(cur, principal.subject, for_update=True)
        require_if_match(current["preferences_version"])
        if not changes:
            return _answer(current)
        assignments = ", ".join(f"{name} = %({name})s" for name in changes)
        cur.execute(f"UPDATE recipients SET {assignments}, preferences_version = preferences_version + 1 "  # noqa: S608
                    "WHERE id = %(id)s RETURNING *", {**changes, "id": current["id"]})
        return _answer(cur.fetchone())


PAGE = """<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{title}</title>
<body style="font-family: system-ui, sans-serif; max-width: 32em; margin: 3em auto">
<h1 style="font-size: 1.2em">{title}</h1><p>{text}</p>{form}</body></html>"""
TEXTS = {
    "ask": {"tr": ("Abonelikten çık", "«{kind}» bildirimlerini artık almak istemiyor musunuz?", "Evet, çık"),
            "en": ("Unsubscribe", "Stop receiving “{kind}” notifications?", "Yes, stop them")},
    "done": {"tr": ("Abonelikten çıktınız", "«{kind}» bildirimlerini artık almayacaksınız.", ""),
             "en": ("Unsubscribed", "You will no longer receive “{kind}” notifications.", "")},
}


def _page(step: str, language: str, kind: str, action: str | None = None) -> Response:
    title, text, button = TEXTS[step][language if language in ("tr", "en") else "en"]
    form = (f'<form method="post" action="{escape(action)}"><input type="hidden" name="List-Unsubscribe" '
            f'value="One-Click"><button>{button}</button></form>') if action else ""
    html = PAGE.format(lang=language, title=title, text=escape(text.format(kind=kind.replace("_", " "))), form=form)
    return Response(html, mimetype="text/html")


def _recipient_of(token: str) -> tuple[dict, str]:
    found = unsubscribe.read(current_app.extensions["birlikte"]["settings"], token)
    if found is None:
        abort_problem(400, "Invalid link", "This unsubscribe link is not one we sent, or it was cut short.")
    person, kind = found
    return _load(cursor(), person, for_update=request.method == "POST"), kind


@blp.route("/unsubscribe/<string:token>")
class Unsubscribe(MethodView):
    @blp.response(200)
    def get(self, token):
        """The page an unsubscribe link opens: it asks, it does not act (mail scanners follow links)."""
        person, kind = _recipient_of(token)
        return _page("ask", person["language"], kind, request.path)

    @blp.response(200)
    def post(self, token):
        """RFC 8058 one-click unsubscribe: a POST to the link stops that kind of notification."""
        person, kind = _recipient_of(token)
        cursor().execute("UPDATE recipients SET muted_kinds = array_append(muted_kinds, %s), "
                         "preferences_version = preferences_version + 1 WHERE id = %s AND NOT (%s = ANY(muted_kinds))",
                         (kind, person["id"], kind))
        return _page("done", person["language"], kind)
