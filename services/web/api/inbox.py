"""The inbox: a person's notifications, unread first, each opened (and so marked read) on a page of
its own that leads to the page it is about; everything marked read at once; and the notification
preferences — which kinds reach them by email and in the inbox, news at once or in a daily digest,
the series and topics they follow."""
from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from services.web import api, labels, times
from services.web.api.program import language, reader_zone, text_of
from services.web.errors import ApiProblem
from services.web.forms.inbox import GRID, Preferences, ReadAll
from services.web.problems import on_form

blueprint = Blueprint("inbox", __name__)
UNREAD, READ = 50, 20  # the unread shown (all but a flood of them), then a page of the read at a time
_LINK = re.compile(r"(https?://[^\s<]+)")


def _sign_in_first(next_path: str):
    return redirect(url_for("auth.login", next=next_path), 303)


def _shown(notification: dict) -> dict:
    """A notification as the page shows it: when it came on the reader's clock, and where it leads
    (older ones, from before notifications kept their link, to their event's page)."""
    link = notification.get("link") or (url_for("program.event", event_id=notification["event_id"])
                                        if notification.get("event_id") else None)
    return {**notification, "link": link, "kind_name": labels.NOTIFICATION_KIND_NAMES.get(notification["kind"], ""),
            "when": times.moment(notification["created_at"], reader_zone(), language())}


def linked(text: str) -> Markup:
    """A notification's text as paragraphs, escaped, its addresses made links (as its email does)."""
    blocks = [block for block in text.replace("\r\n", "\n").strip().split("\n\n") if block.strip()]
    return Markup("".join(f"<p>{_links(str(escape(block)))}</p>" for block in blocks))


def _links(escaped: str) -> str:
    return _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped).replace("\n", "<br>")


@blueprint.get("/inbox")
def index():
    """The unread (one call), then a page of the read (one more); the count is the navigation's."""
    if not api.signed_in():
        return _sign_in_first(url_for("inbox.index"))
    backend = api.backend()
    unread = backend.get("notifications", "/inbox", unread="true", limit=UNREAD)
    read = backend.get("notifications", "/inbox", unread="false", limit=READ, cursor=request.args.get("cursor"))
    return render_template("inbox/index.html", unread_items=[_shown(n) for n in unread["items"]],
                           more_unread=bool(unread["next_cursor"]), read=[_shown(n) for n in read["items"]],
                           next=read["next_cursor"], later=bool(request.args.get("cursor")), form=ReadAll.now())


@blueprint.get("/inbox/<uuid:notification_id>")
def notification(notification_id):
    """Opening a notification marks it read (once: opening it again changes nothing); the
    notifications service answers only its own person's."""
    if not api.signed_in():
        return _sign_in_first(url_for("inbox.notification", notification_id=notification_id))
    opened = api.backend().post("notifications", f"/inbox/{notification_id}/read").json()
    return render_template("inbox/notification.html", notification=_shown(opened), linked=linked)


@blueprint.post("/inbox/read-all")
def read_all():
    if not api.signed_in():
        return _sign_in_first(url_for("inbox.index"))
    form = ReadAll()
    before = form.instant() if form.validate_on_submit() else None
    if before is None:
        return redirect(url_for("inbox.index"), 303)  # a form from nowhere marks nothing
    api.backend().post("notifications", "/inbox/read-all", {"before": before})
    return redirect(url_for("inbox.index", done="all-read"), 303)


# --- Preferences ------------------------------------------------------------------------------

def _current() -> tuple[dict, str]:
    """The person's preferences and their ETag (one call)."""
    response = api.backend().call("GET", "notifications", "/preferences")
    return response.json(), response.headers["ETag"]


def _series() -> list[tuple[str, str]]:
    """The series one may follow, by title (one call)."""
    found = api.backend().get("events", "/series", limit=100)["items"]
    return sorted(((s["id"], text_of(s["title"])) for s in found), key=lambda s: labels.alphabetical(s[1]))


def _preferences_page(form: Preferences, current: dict, status: int = 200):
    return render_template("inbox/preferences.html", form=form, preferences=current, grid=GRID,
                           notification_kind_names=labels.NOTIFICATION_KIND_NAMES,
                           account_language=labels.language_name(current["language"])), status


@blueprint.get("/inbox/preferences")
def preferences():
    if not api.signed_in():
        return _sign_in_first(url_for("inbox.preferences"))
    try:
        current, etag = _current()
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        return render_template("inbox/not_yet.html"), 404  # the registry's news of them has not arrived yet
    return _preferences_page(Preferences.of(current, etag, _series()), current)


@blueprint.post("/inbox/preferences")
def save_preferences():
    if not api.signed_in():
        return _sign_in_first(url_for("inbox.preferences"))
    (current, etag), series = _current(), _series()
    form = Preferences.of(current, etag, series, formdata=request.form)
    if not form.validate_on_submit():
        return _preferences_page(form, current, 400)
    try:
        api.backend().patch("notifications", "/preferences", form.changes(current), form.version.data)
    except ApiProblem as problem:
        if problem.status != 412:
            on_form(form, problem, {"followed_topics": "other_topic", "kind_channels": "email"})
            return _preferences_page(form, current, problem.status)
        fresh = Preferences.of(current, etag, series)  # as they are now, to be changed again
        fresh.form_errors.append(_("These preferences were changed meanwhile (in another window?). Here they are "
                                   "as they are now: make your changes again."))
        return _preferences_page(fresh, current, 412)
    return redirect(url_for("inbox.preferences", done="saved"), 303)

