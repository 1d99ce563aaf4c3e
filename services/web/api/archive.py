"""The archive: recordings (watched in the page, with captions) and publications, as the archive
lets each reader see them — it decides who sees what, this only shows what it answers. For those
who manage an item: a new item, its file uploaded from the browser (streamed through to the
archive, with a progress bar where scripts run), captions, publishing (with the consent check's
message when a speaker has not agreed to be recorded) and withdrawing."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import unquote, urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from shared.errors import BadRequest
from shared.http.db import commit_now
from services.web import api, labels, times
from services.web.api import uploads
from services.web.errors import ApiProblem
from services.web.forms.archive import ITEM_FIELDS, CaptionsForm, FileForm, ItemForm
from services.web.problems import message, on_form

blueprint = Blueprint("archive", __name__)
PAGE = 20
TYPES = tuple(labels.ITEM_TYPE_NAMES)
CHUNK = 256 * 1024
# What a player asks, and what the archive answers about a file, passed on as they are
ASKED = ("Range", "If-Range", "If-None-Match", "If-Modified-Since")
ANSWERED = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified",
            "Cache-Control", "Content-Disposition")
EVENTS_OFFERED_DAYS = 730  # a new item may come from an event of the past two years
DONE = {
    "created": lazy_gettext("The item is added as a draft. Upload its file next."),
    "uploaded": lazy_gettext("The file is uploaded."),
    "captions": lazy_gettext("The captions are added."),
    "published": lazy_gettext("Published: everyone it is meant for can see it now."),
    "withdrawn": lazy_gettext("Withdrawn: only those who manage it can see it now."),
}


@blueprint.record_once
def _streamed_forms(state) -> None:
    """The views that take a file read their request as a stream and check its CSRF token
    themselves: Flask-WTF's own check would read the whole body first."""
    for view in (put_file, post_file, post_captions):
        state.app.extensions["csrf"].exempt(view)


@blueprint.get("/archive")
def index():
    """The items the reader may see (one call), newest first or, with words, the best matches."""
    filters = {"q": request.args.get("q", "").strip()[:200], "type": request.args.get("type", "")}
    filters = {k: v for k, v in filters.items() if v and (k != "type" or v in TYPES)}
    found = api.backend().get("archive", "/items", limit=PAGE, cursor=request.args.get("cursor"), **filters)
    return render_template("archive/index.html", items=[_dated(i) for i in found["items"]], next=found["next_cursor"],
                           filters=filters, types=TYPES, **labels.archive())


@blueprint.get("/archive/<uuid:item_id>")
def item(item_id):
    return _item_page(item_id)


def _item_page(item_id, status: int = 200, *, file_error: str | None = None, captions_error: str | None = None,
               action_problem: str | None = None):
    """An item's page (two calls: the item, its events); a refusal of the archive as its own page."""
    backend = api.backend()
    try:
        found = backend.get("archive", f"/items/{item_id}")
    except ApiProblem as problem:
        return _refused(problem)
    events = backend.get("events", "/events", id=found["event_ids"], limit=100)["items"] if found["event_ids"] else []
    file_form = FileForm(formdata=None)  # never the request's form: a streamed post is not parsed
    if found["type"] == "recording":
        file_form.file.render_kw = {"accept": "video/*,audio/*"}
    captions_form = CaptionsForm(formdata=None, language=str(get_locale()))
    captions_form.captions.render_kw = {"accept": ".vtt,text/vtt"}
    if file_error:
        file_form.file.errors = [file_error]
    if captions_error:
        captions_form.captions.errors = [captions_error]
    return render_template("archive/item.html", item=_dated(found), events=events, manages=_manages(found, events),
                           default_captions=_default_captions(found["captions"]), file_form=file_form,
                           captions_form=captions_form, action_problem=action_problem,
                           done=DONE.get(request.args.get("done", "")), size=_size, **labels.archive()), status


def _manages(item: dict, events: list[dict]) -> bool:
    """Whether to offer managing the item (the archive decides what is allowed): a draft or a
    withdrawn item is shown to its managers only; a published one to coordinators and the admins
    of its organizations or its events' organizers."""
    who = api.who()
    owners = set(item["organization_ids"]) | {o for e in events for o in e.get("organizer_ids", [])}
    return item["status"] != "published" or who.is_coordinator or bool(who.admin_of & owners)


def _default_captions(languages: list[str]) -> str | None:
    """The captions shown when playing starts: in the reader's language if there are such."""
    reader = str(get_locale())
    return reader if reader in languages else next(iter(languages), None)


def _refused(problem: ApiProblem):
    """The archive's refusal to show an item, as it answered it: 404 (or 403) for someone it is not
    open to — the archive does not say whether it exists —, 401 for someone not signed in."""
    if problem.status not in (401, 403, 404):
        raise problem
    return render_template("archive/refused.html", status=problem.status), problem.status


@blueprint.get("/archive/<uuid:item_id>/file")
def file(item_id):
    return _passed_on(f"/items/{item_id}/file")


@blueprint.get("/archive/<uuid:item_id>/captions/<any(tr, en):language>.vtt")
def captions(item_id, language):
    return _passed_on(f"/items/{item_id}/captions/{language}")


def _passed_on(path: str) -> Response:
    """The archive's answer streamed to the browser as it comes, never held whole: a player's
    Range (seeking), If-Range and If-None-Match go to the archive, and its status, type, length,
    range, ETag and Accept-Ranges come back unchanged."""
    asked = {name: request.headers[name] for name in ASKED if name in request.headers}
    try:
        upstream = api.backend().stream("GET", "archive", path, headers=asked)
    except ApiProblem as problem:
        return _refused(problem)
    response = Response(upstream.raw.stream(CHUNK, decode_content=False), status=upstream.status_code,
                        headers={name: upstream.headers[name] for name in ANSWERED if name in upstream.headers},
                        direct_passthrough=True)
    response.call_on_close(upstream.close)
    return response


@blueprint.put("/archive/<uuid:item_id>/file")
def put_file(item_id):
    """The page's script sends the file as the body (X-CSRFToken, If-Match: the item's version as
    the page showed it, X-File-Name); the answer, in JSON, says where to go next or what went wrong."""
    if not api.signed_in():
        return {"error": _("Your session has ended; sign in again.")}, 401
    _require_csrf(request.headers.get("X-CSRFToken"))
    name = unquote(request.headers.get("X-File-Name", ""))
    try:
        _send_file(item_id, uploads.raw(request.stream, request.content_length), name, request.headers.get("If-Match"))
    except ApiProblem as problem:
        return {"error": _said(problem)}, problem.status
    return {"location": url_for("archive.item", item_id=item_id, done="uploaded")}


@blueprint.post("/archive/<uuid:item_id>/file")
def post_file(item_id):
    """The file form as it posts without scripts: read part by part, the file streamed on."""
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("archive.item", item_id=item_id)), 303)
    form = uploads.Form(request)
    fields = form.fields()
    _require_csrf(fields.get("csrf_token"))
    if not form.file:
        return _item_page(item_id, 422, file_error=_("Choose the file to upload."))
    try:
        _send_file(item_id, form.chunks(), form.file, _etag(fields.get("version")))
    except ApiProblem as problem:
        return _item_page(item_id, problem.status, file_error=_said(problem))
    return redirect(url_for("archive.item", item_id=item_id, done="uploaded"), 303)


@blueprint.post("/archive/<uuid:item_id>/captions")
def post_captions(item_id):
    """WebVTT captions in a language, streamed on like a file."""
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("archive.item", item_id=item_id)), 303)
    form = uploads.Form(request)
    fields = form.fields()
    _require_csrf(fields.get("csrf_token"))
    language = fields.get("language")
    if language not in labels.CAPTION_LANGUAGE_NAMES or not form.file:
        return _item_page(item_id, 422, captions_error=_("Choose the language and the captions file."))
    backend = api.backend()
    commit_now()
    try:
        backend.stream("PUT", "archive", f"/items/{item_id}/captions/{language}", body=form.chunks()).close()
    except ApiProblem as problem:
        return _item_page(item_id, problem.status, captions_error=_said(problem))
    return redirect(url_for("archive.item", item_id=item_id, done="captions"), 303)


def _send_file(item_id, body, name: str, etag: str | None) -> None:
    """The item's file to the archive as it comes in; this request's own database work is
    committed first, as the upload of a recording may take minutes."""
    backend = api.backend()
    commit_now()
    query = urlencode({"name": name[:200] or "file"})
    backend.stream("PUT", "archive", f"/items/{item_id}/file?{query}", body=body,
                   headers={"If-Match": etag or ""}).close()


def _require_csrf(token: str | None) -> None:
    """The check Flask-WTF makes on every other form, made on a token read from the stream."""
    try:
        validate_csrf(token)
    except ValidationError as error:
        raise BadRequest(_("The page has expired"), _("Reload the page and try again.")) from error


def _etag(version: str | None) -> str | None:
    return f'"v{int(version)}"' if version and version.isdigit() else None


@blueprint.post("/archive/<uuid:item_id>/publish")
def publish(item_id):
    return _act(item_id, "publish", "published")


@blueprint.post("/archive/<uuid:item_id>/withdraw")
def withdraw(item_id):
    return _act(item_id, "withdraw", "withdrawn")


def _act(item_id, action: str, done: str):
    """Publish or withdraw the item at the version the page showed (its CSRF token checked as on any form)."""
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("archive.item", item_id=item_id)), 303)
    try:
        api.backend().post("archive", f"/items/{item_id}/{action}",
                           headers={"If-Match": _etag(request.form.get("version")) or ""})
    except ApiProblem as problem:
        return _item_page(item_id, problem.status, action_problem=_said(problem))
    return redirect(url_for("archive.item", item_id=item_id, done=done), 303)


def _said(problem: ApiProblem) -> str:
    """What the archive refused, in the reader's language."""
    missing = problem.body.get("speakers_without_consent")
    if missing:
        return _("Every speaker on a recording must have consented to being recorded: %(names)s.",
                 names=", ".join(missing))
    if problem.status == 412:
        return _("Someone changed this item since this page showed it. Look at it again, then retry.")
    if problem.status == 413:
        return _("The file is larger than the archive takes.")
    if problem.status == 415 and problem.title == "File type not accepted":
        return _("The archive does not take this kind of file for this item (it looks at what the file contains).")
    return message(problem.detail or problem.title)


@blueprint.route("/archive/new", methods=["GET", "POST"])
def new():
    """A new item, as a draft; its file comes next, on its page."""
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("archive.new")), 303)
    form = ItemForm().offer(*_choices())
    if form.validate_on_submit():
        try:
            created = api.backend().post("archive", "/items", form.body()).json()
        except ApiProblem as problem:
            on_form(form, problem, ITEM_FIELDS)
        else:
            return redirect(url_for("archive.item", item_id=created["id"], done="created"), 303)
    return render_template("archive/new.html", form=form, **labels.archive()), 422 if request.method == "POST" else 200


def _choices() -> tuple[list, list, list]:
    """What a new item may be tied to (three calls): the events of the past two years, newest first;
    the organizations (an admin's own; every one for a coordinator); the people the person may see."""
    backend, who = api.backend(), api.who()
    now = datetime.now(timezone.utc)
    events = backend.get("events", "/events", limit=200, **{
        "from": (now - timedelta(days=EVENTS_OFFERED_DAYS)).isoformat(), "to": now.isoformat()})["items"]
    organizations = backend.get("registry", "/organizations", limit=200)["items"]
    people = backend.get("registry", "/people", limit=200)["items"]
    return ([(e["id"], f"{_text(e['title'])} ({_day(times.instant(e['starts_at']).date())})") for e in reversed(events)],
            sorted(((o["id"], o["name"]) for o in organizations if who.is_coordinator or o["id"] in who.admin_of),
                   key=lambda o: labels.alphabetical(o[1])),
            sorted(((p["id"], p["full_name"]) for p in people), key=lambda p: labels.alphabetical(p[1])))


def _text(texts: dict) -> str:
    language = str(get_locale())
    return texts.get(language) or texts.get("en") or texts.get("tr") or next(iter(texts.values()), "")


def _day(day: date) -> str:
    return format_date(day, "d MMMM y", locale=times.LOCALES.get(str(get_locale()), "en_IE"))


def _dated(item: dict) -> dict:
    """An item with the day to show beside it: its own date, else when it was published or added."""
    day = item.get("published_on") or (item.get("published_at") or item["created_at"])[:10]
    return {**item, "day": _day(date.fromisoformat(day))}


def _size(size: int) -> str:
    """A file's size as a reader reads it (KB up to a megabyte, then MB, in their language's digits)."""
    locale = times.LOCALES.get(str(get_locale()), "en_IE")
    if size < 1024 * 1024:
        return _("%(n)s KB", n=format_decimal(max(1, round(size / 1024)), locale=locale))
    return _("%(n)s MB", n=format_decimal(round(size / (1024 * 1024), 1), locale=locale))
