"""The program, for anyone: upcoming events by kind, format, topic, series and month, or by the
words of their texts; an event's page, with registering for it (or cancelling) when signed in;
"add to calendar" and the community's public calendar feed."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext

from shared.http import current
from services.web import api, times
from services.web.backend import Backend
from services.web.errors import ApiProblem
from services.web.forms.program import ProgramFilters, Registration
from services.web.problems import on_form

blueprint = Blueprint("program", __name__)
PAGE = 20
ZONE_COOKIE = "birlikte_tz"  # the visitor's zone, as their browser tells it (static/program.js)
MAX_ORGANIZATIONS = 10
FEED_HEADERS = ("ETag", "Cache-Control", "Content-Disposition", "Last-Modified")
# The events API's refusals of a registration, as this catalog knows them (problems.message)
REFUSALS = [
    lazy_gettext("This person is already registered for this event."),
    lazy_gettext("A cancelled event takes no registrations."),
    lazy_gettext("An event that has ended takes no registrations."),
    lazy_gettext("This event is by invitation only."),
    lazy_gettext("Members register themselves for their own organization; "
                 "admins register their organization's people."),
    lazy_gettext("Say on behalf of which organization you register."),
    lazy_gettext("Required when you belong to several or none."),
    lazy_gettext("Registrations of a finished event stay as they are."),
]


def reader_zone() -> str | None:
    """The zone to show times in: the signed-in person's, else the one their browser said."""
    live = api.signed_in()
    if live and times.is_zone(live.get("time_zone")):
        return live["time_zone"]
    chosen = request.cookies.get(ZONE_COOKIE)
    return chosen if times.is_zone(chosen) else None


def language() -> str:
    return str(get_locale() or "en")


def text_of(texts: dict) -> str:
    """A text given in several languages, in the reader's (or the other)."""
    texts = texts or {}
    return texts.get(language()) or texts.get("en") or texts.get("tr") or next(iter(texts.values()), "")


def shown(event: dict) -> dict:
    """An event as a page shows it: its times on the reader's clock (and the event's own)."""
    return {**event, "when": times.when(event, reader_zone(), language())}


def my_organizations() -> list[tuple[str, str]]:
    """(id, name) of the organizations the signed-in person acts for — asked only of someone in
    several (for one, the services take it as the default); a lookup each, bounded by memberships."""
    who = api.who()
    ids = sorted(who.member_of | who.admin_of)[:MAX_ORGANIZATIONS]
    if len(ids) < 2:
        return []
    backend = api.backend()
    return [(i, backend.get("registry", f"/organizations/{i}")["name"]) for i in ids]


def feed_links(path: str) -> dict:
    """A calendar feed of this app as calendar programs subscribe to it (webcal://) and as a plain address."""
    address = f"{current.settings().web_url.rstrip('/')}{path}"
    return {"https": address, "webcal": "webcal://" + address.split("://", 1)[1]}


# --- The program ------------------------------------------------------------------------------

@blueprint.get("/")
def index():
    """Upcoming events, filtered: one call for the series offered, one for a page of events."""
    backend = api.backend()
    series = backend.get("events", "/series", limit=100)["items"]
    form = ProgramFilters(formdata=request.args).offer([(str(s["id"]), text_of(s["title"])) for s in series],
                                                       times.months(reader_zone(), language()))
    if not form.validate():
        return _program(form, {"items": [], "next_cursor": None}), 400
    chosen = form.chosen()
    found = backend.get("events", "/events", limit=PAGE, cursor=request.args.get("cursor"), **_query(chosen))
    return _program(form, found, chosen)


def _query(chosen: dict) -> dict:
    """The events API's filters for the reader's: a month on their own clock, never before now."""
    now = datetime.now(timezone.utc)
    query = {name: chosen[name] for name in ("q", "kind", "format", "topic") if name in chosen}
    if "series" in chosen:
        query["series_id"] = chosen["series"]
    starts, ends = times.month_span(chosen["month"], reader_zone()) if "month" in chosen else (now, None)
    query["from"] = max(starts, now).isoformat()
    if ends:
        query["to"] = ends.isoformat()
    return query


def _program(form: ProgramFilters, found: dict, chosen: dict | None = None) -> str:
    return render_template("program/index.html", form=form, events=[shown(e) for e in found["items"]],
                           next=found["next_cursor"], chosen=chosen or {}, later=bool(request.args.get("cursor")),
                           feed=feed_links(url_for("program.public_calendar", lang=language())))


# --- An event ---------------------------------------------------------------------------------

@blueprint.get("/events/<uuid:event_id>")
def event(event_id):
    """The event's page. A visitor who may not see it is asked to sign in and comes back here: the
    events service answers 404 alike for what does not exist and what only members or invited
    organizations see, so that its existence is not told to strangers."""
    try:
        return _event_page(event_id)
    except ApiProblem as problem:
        if problem.status not in (401, 404) or api.signed_in():
            raise
        return redirect(url_for("auth.login", next=url_for("program.event", event_id=event_id)), 303)


def _event_page(event_id, form: Registration | None = None, status: int = 200):
    """The event (one call; the services decide whether its online link is shown), the reader's
    registration (one more, when signed in) and its series (one more, when it has one)."""
    backend = api.backend()
    found = backend.get("events", f"/events/{event_id}")
    mine = None
    if api.signed_in():
        registrations = backend.get("events", "/me/registrations", event_id=str(event_id))["items"]
        mine = next((r for r in registrations if r["status"] != "cancelled"), None)
    series = backend.get("events", f"/series/{found['series_id']}") if found.get("series_id") else None
    if form is None:
        form = Registration.offering(my_organizations() if api.signed_in() and mine is None else [])
    return render_template("program/event.html", event=shown(found), mine=mine, form=form, series=series,
                           opens=_moment(found.get("registration_opens_at")),
                           closes=_moment(found.get("registration_closes_at")),
                           feed=feed_links(url_for("program.public_calendar", lang=language()))), status


def _moment(value: str | None) -> dict | None:
    """A registration window's edge: whether it has passed, and how the reader reads it."""
    if not value:
        return None
    return {"passed": times.instant(value) <= datetime.now(timezone.utc),
            "text": times.moment(value, reader_zone(), language())}


@blueprint.post("/events/<uuid:event_id>/register")
def register(event_id):
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("program.event", event_id=event_id)), 303)
    form = Registration.offering(my_organizations())
    if not form.validate():
        return _event_page(event_id, form, 400)
    try:
        api.backend().post("events", f"/events/{event_id}/registrations", form.body())
    except ApiProblem as problem:
        on_form(form, problem)
        return _event_page(event_id, form, problem.status)
    return redirect(url_for("program.event", event_id=event_id, done="registered"), 303)


@blueprint.post("/events/<uuid:event_id>/registrations/<uuid:registration_id>/cancel")
def cancel(event_id, registration_id):
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("program.event", event_id=event_id)), 303)
    try:
        api.backend().post("events", f"/events/{event_id}/registrations/{registration_id}/cancel")
    except ApiProblem as problem:
        form = Registration.offering([])
        on_form(form, problem)
        return _event_page(event_id, form, problem.status)
    return redirect(url_for("program.event", event_id=event_id, done="cancelled"), 303)


# --- Calendars --------------------------------------------------------------------------------

@blueprint.get("/events/<uuid:event_id>/calendar.ics")
def event_calendar(event_id):
    """The event as a file for one's calendar; the events API decides whether it holds the online link."""
    answer = api.backend().call("GET", "events", f"/events/{event_id}.ics", params={"lang": language()},
                                headers={"Accept": "text/calendar"})
    return Response(answer.content, mimetype="text/calendar",
                    headers={"Cache-Control": "private, no-store",
                             "Content-Disposition": answer.headers.get("Content-Disposition", "attachment")})


@blueprint.get("/calendars/public.ics")
def public_calendar():
    """The community's public events, for calendar programs to subscribe to (at this app's address)."""
    return relay("/calendars/public.ics")


def relay(path: str) -> Response:
    """An iCalendar feed of the events API as calendar programs poll it here: its ETag, its 304s,
    its body passed on as it comes (no token: a feed is public, or private by its own address)."""
    headers = {"Accept": "text/calendar"}
    if request.headers.get("If-None-Match"):
        headers["If-None-Match"] = request.headers["If-None-Match"]
    lang = request.args.get("lang")
    answer = Backend(current.settings()).call("GET", "events", path, headers=headers, stream=True,
                                              params={"lang": lang} if lang in ("tr", "en") else {})
    kept = {name: answer.headers[name] for name in FEED_HEADERS if name in answer.headers}
    if answer.status_code == 304:
        return Response(status=304, headers=kept)
    return Response(answer.iter_content(64 * 1024), mimetype="text/calendar", headers=kept)
