"""The program, for anyone: upcoming events by kind, format, topic and month; an event's page, with
registering for it (or cancelling) when signed in."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from services.web import api, times
from services.web.errors import ApiProblem

blueprint = Blueprint("program", __name__)
KINDS = ("organizational_meeting", "civil_space_discussion", "information_session", "thematic_meeting", "study_visit")
FORMATS = ("in_person", "online", "hybrid")
PAGE = 20


def _zone() -> str | None:
    live = api.signed_in()
    return live.get("time_zone") if live else None


def shown(event: dict) -> dict:
    """An event as a page shows it: its times on the reader's clock (and the event's own)."""
    return {**event, "when": times.when(event, _zone(), str(get_locale()))}


@blueprint.get("/")
def index():
    """Upcoming events (a page of them, in one call to the events API), filtered."""
    filters = {name: request.args.get(name) for name in ("kind", "format", "topic", "cursor")}
    filters = {k: v for k, v in filters.items() if v and (k != "kind" or v in KINDS) and (k != "format" or v in FORMATS)}
    found = api.backend().get("events", "/events", **{"from": datetime.now(timezone.utc).isoformat()},
                              limit=PAGE, **filters)
    return render_template("program.html", events=[shown(e) for e in found["items"]], next=found["next_cursor"],
                           filters=filters, kinds=KINDS, formats=FORMATS)


@blueprint.get("/events/<uuid:event_id>")
def event(event_id):
    backend = api.backend()
    found = backend.get("events", f"/events/{event_id}")
    mine = None
    if api.signed_in():
        registrations = backend.get("events", "/me/registrations", event_id=str(event_id))["items"]
        mine = next((r for r in registrations if r["status"] != "cancelled"), None)
    return render_template("event.html", event=shown(found), mine=mine)


@blueprint.post("/events/<uuid:event_id>/register")
def register(event_id):
    if not api.signed_in():
        return redirect(url_for("auth.login", next=url_for("program.event", event_id=event_id)), 303)
    try:
        api.backend().post("events", f"/events/{event_id}/registrations", {})
    except ApiProblem as problem:
        return _with_problem(event_id, problem)
    return redirect(url_for("program.event", event_id=event_id, done="registered"), 303)


@blueprint.post("/events/<uuid:event_id>/registrations/<uuid:registration_id>/cancel")
def cancel(event_id, registration_id):
    try:
        api.backend().post("events", f"/events/{event_id}/registrations/{registration_id}/cancel")
    except ApiProblem as problem:
        return _with_problem(event_id, problem)
    return redirect(url_for("program.event", event_id=event_id, done="cancelled"), 303)


def _with_problem(event_id, problem: ApiProblem):
    found = api.backend().get("events", f"/events/{event_id}")
    return render_template("event.html", event=shown(found), mine=None,
                           problem=problem.detail or _("That did not work.")), problem.status
