"""For coordinators and organizers: events made, edited, scheduled, rescheduled and cancelled;
registrations and the waitlist; attendance on the day; feedback (and the attendees' form for it);
series; study-visit placements. Every page asks the events API as the signed-in person: what the
API refuses (problem+json) is shown on the page, next to the field it names."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.versions import etag
from services.web import api, labels, times
from services.web.api.program import shown, text_of
from services.web.errors import ApiProblem
from services.web.forms.manage import (EVENT_FIELDS, AttendanceForm, CancelForm, EventForm, FeedbackForm,
                                       PlacementForm, PlacementStatusForm, RescheduleForm, SeriesForm, VersionForm,
                                       unmoved_times_left_out)
from services.web.problems import message, on_form

blueprint = Blueprint("manage", __name__)
PAGE = 20
MANY = 200  # the most one page lists of the registry's or the API's (people, organizations, registrations)
STATUSES = tuple(labels.EVENT_STATUS_NAMES)


@blueprint.before_request
def _signed_in_only():
    if not api.signed_in():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)
    return None


def _render(template: str, status: int = 200, **values):
    return render_template(f"manage/{template}", **labels.manage(), **values), status


def _failed(form) -> int:
    """The status of a form shown again: 422 while it holds errors."""
    return 422 if form.errors or form.form_errors else 200


def _read(path: str) -> tuple[dict, str]:
    """A resource of the events API and its ETag (the version a change names)."""
    response = api.backend().call("GET", "events", path)
    return response.json(), response.headers.get("ETag", "")


def _organizations(event: dict | None = None) -> list[tuple[str, str]]:
    """(id, name) of the community's organizations, and those the event names already."""
    found = {o["id"]: o["name"] for o in api.backend().get("registry", "/organizations", limit=MANY)["items"]}
    for i, name in ((event or {}).get("organization_names") or {}).items():
        found.setdefault(i, name)
    return sorted(found.items(), key=lambda item: item[1])


def _series() -> list[tuple[str, str]]:
    return [(s["id"], text_of(s["title"])) for s in api.backend().get("events", "/series", limit=MANY)["items"]]


# --- The events one manages ---------------------------------------------------------------------

@blueprint.get("/manage")
def index():
    """The events the person may manage, drafts included, latest first."""
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    found = api.backend().get("events", "/me/managed-events", limit=PAGE, status=status,
                              cursor=request.args.get("cursor"))
    return _render("index.html", events=[shown(e) for e in found["items"]], next=found["next_cursor"],
                   status=status, statuses=STATUSES, invitations=_invitations())


def _invitations() -> list[dict]:
    """On the first page: the events that invite an organization the person administers to
    co-organize them, each with those organizations (id, name), to accept or decline."""
    if request.args.get("cursor"):
        return []
    found = api.backend().get("events", "/me/organizer-invitations", limit=PAGE)["items"]
    if not found:
        return []
    names, mine = dict(_organizations()), set(api.who().admin_of)
    return [{**shown(e), "organizers": ", ".join((e.get("organization_names") or {}).get(o, names.get(o, o))
                                                 for o in e["organizer_ids"]),
             "invited": [(o, names.get(o, o)) for o in e.get("pending_organizer_ids", []) if o in mine]}
            for e in found]


@blueprint.post("/manage/events/<uuid:event_id>/organizers/<uuid:organization_id>/<any(accept, decline):answer>")
def answer_invitation(event_id, organization_id, answer):
    """An admin's answer for their organization (the app checks the form's CSRF token, as every POST's)."""
    try:
        api.backend().post("events", f"/events/{event_id}/organizers/{organization_id}/{answer}")
    except ApiProblem as problem:
        if problem.status != 404:  # answered meanwhile (another admin): the list says how it stands
            raise
    return redirect(url_for("manage.index", done="co-organizing" if answer == "accept" else "declined"), 303)


@blueprint.route("/manage/events/new", methods=["GET", "POST"])
def create():
    form = EventForm() if request.method == "POST" else EventForm.new(sorted(api.who().admin_of))
    form.offer(_organizations(), _series())
    if request.method == "POST" and form.validate() and (body := form.body()) is not None:
        status = "scheduled" if form.publish.data else "draft"
        headers = {"Idempotency-Key": form.key.data} if form.key.data else {}
        try:
            made = api.backend().post("events", "/events", {**body, "status": status}, headers=headers).json()
            return redirect(url_for("manage.event", event_id=made["id"], done=status), 303)
        except ApiProblem as problem:
            on_form(form, problem, EVENT_FIELDS)
    return _render("event_form.html", _failed(form), form=form, event=None, conflict=None)


@blueprint.get("/manage/events/<uuid:event_id>")
def event(event_id):
    found, version = _read(f"/events/{event_id}")
    return _render("event.html", event=shown(found), form=VersionForm(formdata=None, data={"etag": version}))


@blueprint.route("/manage/events/<uuid:event_id>/edit", methods=["GET", "POST"])
def edit(event_id):
    """PATCH with If-Match: a change someone else made meanwhile is shown, never overwritten unseen."""
    current, version = _read(f"/events/{event_id}")
    choices = (_organizations(current), _series())
    form = (EventForm() if request.method == "POST" else EventForm.of(current, version)).offer(*choices, current)
    conflict = None
    if request.method == "POST" and form.validate() and (body := form.body()) is not None:
        try:
            saved = api.backend().patch("events", f"/events/{event_id}", unmoved_times_left_out(body, current),
                                        form.etag.data)
            return _after_edit(event_id, current, saved, form.publish.data)
        except ApiProblem as problem:
            if problem.status != 412:
                on_form(form, problem, EVENT_FIELDS)
            else:  # someone changed it: their version beside the person's, who may save again over it
                current, version = _read(f"/events/{event_id}")
                conflict = form.differences(EventForm.of(current, version).offer(*choices, current))
                form.etag.data = version
    status = 409 if conflict is not None else _failed(form)
    return _render("event_form.html", status, form=form, event=shown(current), conflict=conflict)


def _after_edit(event_id, before: dict, saved, publish: bool):
    """Saved; a draft is scheduled too when asked, and a moved event says it was rescheduled."""
    after = saved.json()
    if publish and after["status"] == "draft":
        try:
            _schedule(event_id, saved.headers["ETag"])
        except ApiProblem as problem:
            return _event_with_problem(event_id, problem)
        return redirect(url_for("manage.event", event_id=event_id, done="scheduled"), 303)
    done = "rescheduled" if after["sequence"] > before["sequence"] else "saved"
    return redirect(url_for("manage.event", event_id=event_id, done=done), 303)


def _schedule(event_id, version: str):
    api.backend().call("POST", "events", f"/events/{event_id}/schedule", headers={"If-Match": version})


def _event_with_problem(event_id, problem: ApiProblem):
    """The event's page again, with what the API said about the change asked of it."""
    found, version = _read(f"/events/{event_id}")
    form = VersionForm(formdata=None, data={"etag": version})
    on_form(form, problem)
    return _render("event.html", problem.status, event=shown(found), form=form)


@blueprint.post("/manage/events/<uuid:event_id>/schedule")
def schedule(event_id):
    form = VersionForm()
    if not form.validate():
        return redirect(url_for("manage.event", event_id=event_id), 303)
    try:
        _schedule(event_id, form.etag.data)
    except ApiProblem as problem:
        return _event_with_problem(event_id, problem)
    return redirect(url_for("manage.event", event_id=event_id, done="scheduled"), 303)


@blueprint.route("/manage/events/<uuid:event_id>/reschedule", methods=["GET", "POST"])
def reschedule(event_id):
    """New times only: the API tells everyone registered (through the notifications service)."""
    current, version = _read(f"/events/{event_id}")
    form = RescheduleForm().offer(current) if request.method == "POST" else RescheduleForm.of(current, version)
    moved_meanwhile = False
    if request.method == "POST" and form.validate():
        try:
            api.backend().patch("events", f"/events/{event_id}", form.body(), form.etag.data)
            return redirect(url_for("manage.event", event_id=event_id, done="rescheduled"), 303)
        except ApiProblem as problem:
            moved_meanwhile = problem.status == 412
            if moved_meanwhile:
                current, form.etag.data = _read(f"/events/{event_id}")
            else:
                on_form(form, problem, EVENT_FIELDS)
    status = 409 if moved_meanwhile else _failed(form)
    return _render("reschedule.html", status, form=form, event=shown(current), moved_meanwhile=moved_meanwhile)


@blueprint.route("/manage/events/<uuid:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id):
    """A page to confirm on (no script needed), then the cancellation."""
    current, version = _read(f"/events/{event_id}")
    form = CancelForm() if request.method == "POST" else CancelForm(formdata=None, data={"etag": version})
    if request.method == "POST" and form.validate():
        try:
            api.backend().call("POST", "events", f"/events/{event_id}/cancel", json={"reason": form.reason.data or None},
                               headers={"If-Match": form.etag.data})
            return redirect(url_for("manage.event", event_id=event_id, done="cancelled"), 303)
        except ApiProblem as problem:
            on_form(form, problem)
            form.etag.data = version  # shown again with the event as it is now: confirming again is deliberate
    return _render("cancel.html", _failed(form), form=form, event=shown(current))


# --- Registrations, the waitlist, attendance ----------------------------------------------------

def _registrations(event_id, status: str) -> dict:
    return api.backend().get("events", f"/events/{event_id}/registrations", status=status, limit=MANY)


@blueprint.get("/manage/events/<uuid:event_id>/registrations")
def registrations(event_id):
    found, _version = _read(f"/events/{event_id}")
    registered, waiting = _registrations(event_id, "registered"), _registrations(event_id, "waitlisted")
    return _render("registrations.html", event=shown(found), registered=registered["items"],
                   waiting=waiting["items"], more=bool(registered["next_cursor"] or waiting["next_cursor"]))


@blueprint.get("/manage/events/<uuid:event_id>/attendance")
def attendance(event_id, problem: ApiProblem | None = None):
    """The day's list: everyone registered, by name, each one tap from attended or absent."""
    found, _version = _read(f"/events/{event_id}")
    people = sorted(_registrations(event_id, "registered")["items"], key=lambda r: r["person_name"].casefold())
    marked = next((r for r in people if r["person_id"] == request.args.get("marked")), None)
    started = times.instant(found["starts_at"]) <= datetime.now(timezone.utc)
    return _render("attendance.html", problem.status if problem else 200, event=shown(found), people=people,
                   marked=marked, started=started, problem=problem and message(problem.detail or problem.title))


@blueprint.post("/manage/events/<uuid:event_id>/attendance")
def mark(event_id):
    """One person marked. Its script asks for JSON and updates the row in place; without script the
    list comes back (303) with the row named."""
    form = AttendanceForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate():
        return (jsonify(message=_("That did not work.")), 400) if wants_json else redirect(
            url_for("manage.attendance", event_id=event_id), 303)
    came = form.attended.data == "yes"
    try:
        [row] = api.backend().post("events", f"/events/{event_id}/attendance",
                                   {"records": [{"person_id": form.person_id.data, "attended": came}]}).json()["items"]
    except ApiProblem as problem:
        if wants_json:
            return jsonify(message=message(problem.detail or problem.title)), problem.status
        return attendance(event_id, problem=problem)
    if wants_json:
        state = str(labels.ATTENDANCE_NAMES[row["attendance"]])
        name = request.form.get("name", "")[:200]
        return jsonify(attendance=row["attendance"], state=state, message=f"{name}: {state}" if name else state)
    return redirect(url_for("manage.attendance", event_id=event_id, marked=form.person_id.data,
                            _anchor=f"person-{form.person_id.data}"), 303)


# --- Feedback -------------------------------------------------------------------------------------

@blueprint.get("/manage/events/<uuid:event_id>/feedback")
def event_feedback(event_id):
    """Every answer, with its author's name: the API gives them to the event's organizers only."""
    found, _version = _read(f"/events/{event_id}")
    summary = api.backend().get("events", f"/events/{event_id}/feedback")
    return _render("feedback.html", event=shown(found), summary=summary)


@blueprint.route("/events/<uuid:event_id>/feedback", methods=["GET", "POST"])
def feedback(event_id):
    """An attendee's feedback: their rating and comment, once (the API decides who attended)."""
    backend = api.backend()
    found, _version = _read(f"/events/{event_id}")
    form = FeedbackForm()
    if request.method == "POST" and form.validate():
        try:
            backend.post("events", f"/events/{event_id}/feedback", form.body())
            return redirect(url_for("manage.feedback", event_id=event_id, done="thanks"), 303)
        except ApiProblem as problem:
            on_form(form, problem)
    mine = backend.get("events", f"/events/{event_id}/feedback")["mine"]
    registrations = backend.get("events", "/me/registrations", event_id=str(event_id))["items"]
    attended = any(r["attendance"] == "attended" for r in registrations)
    return _render("give_feedback.html", _failed(form), event=shown(found), form=form, mine=mine, attended=attended)


# --- Series ---------------------------------------------------------------------------------------

@blueprint.get("/manage/series")
def series():
    found = api.backend().get("events", "/series", limit=MANY)["items"]
    return _render("series.html", series=found)


@blueprint.route("/manage/series/new", methods=["GET", "POST"], defaults={"series_id": None})
@blueprint.route("/manage/series/<uuid:series_id>/edit", methods=["GET", "POST"])
def series_form(series_id):
    current, version = _read(f"/series/{series_id}") if series_id else (None, "")
    form = SeriesForm() if request.method == "POST" else SeriesForm.of(current, version)
    if request.method == "POST" and form.validate():
        try:
            if series_id:
                api.backend().patch("events", f"/series/{series_id}", form.body(), form.etag.data)
            else:
                api.backend().post("events", "/series", form.body(), headers={"Idempotency-Key": form.key.data})
            return redirect(url_for("manage.series", done="saved"), 303)
        except ApiProblem as problem:
            on_form(form, problem, {"title": "title_tr", "description": "description_tr"})
            if problem.status == 412:
                current, form.etag.data = _read(f"/series/{series_id}")
    return _render("series_form.html", _failed(form), form=form, series=current)


# --- Study-visit placements -----------------------------------------------------------------------

@blueprint.get("/manage/placements")
def placements():
    found = api.backend().get("events", "/placements", limit=MANY)["items"]
    return _render("placements.html", placements=found, form=PlacementStatusForm(formdata=None), etag=etag)


@blueprint.route("/manage/placements/new", methods=["GET", "POST"])
def propose():
    form = PlacementForm() if request.method == "POST" else PlacementForm(formdata=None, data={"key": str(uuid.uuid4())})
    form.offer(*_placement_choices())
    if request.method == "POST" and form.validate():
        try:
            api.backend().post("events", "/placements", form.body(), headers={"Idempotency-Key": form.key.data})
            return redirect(url_for("manage.placements", done="proposed"), 303)
        except ApiProblem as problem:
            on_form(form, problem)
    return _render("placement_form.html", _failed(form), form=form)


def _placement_choices():
    """People (those the registry shows the person), home and host organizations, study visits."""
    backend, who = api.backend(), api.who()
    people = [(p["id"], p["full_name"]) for p in backend.get("registry", "/people", limit=MANY)["items"]]
    organizations = _organizations()
    homes = organizations if who.is_coordinator else [o for o in organizations if o[0] in who.admin_of]
    hosts = [(o["id"], o["name"]) for o in
             backend.get("registry", "/organizations", role="host_organization", limit=MANY)["items"]]
    visits = [(e["id"], text_of(e["title"])) for e in
              backend.get("events", "/events", kind="study_visit", limit=MANY)["items"]]
    return sorted(people, key=lambda p: p[1]), homes, hosts, visits


@blueprint.post("/manage/placements/<uuid:placement_id>/status")
def placement_status(placement_id):
    form = PlacementStatusForm()
    if form.validate():
        try:
            api.backend().patch("events", f"/placements/{placement_id}", {"status": form.status.data}, form.etag.data)
            return redirect(url_for("manage.placements", done=form.status.data), 303)
        except ApiProblem as problem:
            on_form(form, problem)
    found = api.backend().get("events", "/placements", limit=MANY)["items"]
    return _render("placements.html", _failed(form), placements=found, form=form, etag=etag, failed=str(placement_id))
