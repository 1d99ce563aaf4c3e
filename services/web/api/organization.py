"""For an organization's admins: its profile, its people and memberships (inviting a person: a new
one is registered with their membership, one who has an account already gets an invitation they
answer), its partnerships, and its partner systems' API clients (the secret shown once).

The pages are offered to the organization's admins (and coordinators); the registry decides what
each call may do, and its refusals come back on the page."""
from __future__ import annotations

import uuid

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from shared.errors import Forbidden
from shared.http import current
from services.web import api, labels, times
from services.web.api.account import signed_in_only
from services.web.api.directory import since
from services.web.errors import ApiProblem
from services.web.forms.account import if_match
from services.web.forms.organization import Client, Invitation, Partnership, Profile
from services.web.problems import message, on_form

blueprint = Blueprint("organization", __name__, url_prefix="/organization")
PAGE = 50


def _administered(organization_id) -> str:
    """Offer the pages to the organization's admins and to coordinators; the registry still decides."""
    who = api.who()
    if str(organization_id) not in who.admin_of and not who.is_coordinator:
        raise Forbidden(_("Not an organization you administer"),
                        _("These pages are for the admins of the organization."))
    return str(organization_id)


def _organization(organization_id: str) -> dict:
    return api.backend().get("registry", f"/organizations/{organization_id}")


def _page(template: str, organization: dict, status: int = 200, **values):
    return render_template(f"organization/{template}", organization=organization, **labels.community(),
                           **values), status


@blueprint.get("")
@signed_in_only
def index():
    """The organization one administers, or the choice of them for someone who administers several."""
    mine = sorted(api.who().admin_of)
    if len(mine) == 1:
        return redirect(url_for("organization.profile", organization_id=mine[0]), 303)
    found = api.backend().get("registry", "/organizations", id=mine, limit=200)["items"] if mine else []
    return render_template("organization/index.html", organizations=found, **labels.community())


# --- The profile ---------------------------------------------------------------------------------------

@blueprint.get("/<uuid:organization_id>")
@signed_in_only
def profile(organization_id):
    organization = _organization(_administered(organization_id))
    return _page("profile.html", organization, form=Profile(data=organization).offer(), meanwhile={})


@blueprint.post("/<uuid:organization_id>")
@signed_in_only
def save_profile(organization_id):
    organization_id = _administered(organization_id)
    form, meanwhile = Profile().offer(), {}
    if form.validate_on_submit():
        try:
            api.backend().patch("registry", f"/organizations/{organization_id}", form.body(),
                                if_match(form.version.data))
            return redirect(url_for("organization.profile", organization_id=organization_id, done="saved"), 303)
        except ApiProblem as problem:
            organization = _organization(organization_id)
            meanwhile = _profile_refused(form, problem, organization)
    else:
        organization = _organization(organization_id)
    return _page("profile.html", organization, 409 if meanwhile else 422, form=form, meanwhile=meanwhile)


def _profile_refused(form: Profile, problem: ApiProblem, saved: dict) -> dict:
    """The refusal on the form. Saved by someone else meanwhile (412): the form keeps what the admin
    typed, each field shows what is saved now where it differs, and saving again keeps theirs."""
    if problem.status != 412:
        if problem.status == 409:
            form.name.errors = [_("Another organization in this country has this name.")]
        else:
            on_form(form, problem)
        return {}
    form.version.data = str(saved["version"])
    form.form_errors.append(_("Someone else saved this profile while you were editing it. Nothing of yours is saved "
                              "yet: under each field that differs you see what is saved now. Save again to keep "
                              "your version."))
    typed = form.body()
    return {name: _shown(name, saved[name]) for name in Profile.FIELDS if not _same(saved.get(name), typed[name])}


def _same(saved, typed) -> bool:
    if isinstance(saved, list) or isinstance(typed, list):
        return sorted(saved or []) == sorted(typed or [])
    return (saved or None) == (typed or None)


def _shown(name: str, value) -> str:
    """A saved value as the reader reads it."""
    if name == "country":
        return labels.country_name(value)
    if name == "languages":
        value = [labels.language_name(code) for code in value]
    names = {"kind": labels.ORGANIZATION_KIND_NAMES, "focus_areas": labels.FOCUS_AREA_NAMES}.get(name, {})
    shown = ", ".join(str(names.get(v, v)) for v in value) if isinstance(value, list) else str(names.get(value, value or ""))
    return shown or _("(empty)")


# --- People and memberships ----------------------------------------------------------------------------

@blueprint.get("/<uuid:organization_id>/people")
@signed_in_only
def people(organization_id):
    organization_id = _administered(organization_id)
    return _people(organization_id, Invitation().offer())


def _people(organization_id: str, form: Invitation, status: int = 200, problem: str | None = None):
    """The organization's people (a page of active memberships, their people asked for in one call)
    and its invitations waiting for an answer."""
    backend = api.backend()
    active = backend.get("registry", "/memberships", organization_id=organization_id, status="active", limit=PAGE,
                         cursor=request.args.get("cursor"))
    waiting = backend.get("registry", "/memberships", organization_id=organization_id, status="invited", limit=PAGE)
    ids = sorted({m["person_id"] for m in active["items"]})
    found = backend.get("registry", "/people", id=ids, status="all", limit=200)["items"] if ids else []
    people_by_id = {p["id"]: p for p in found}
    zone, language = api.signed_in().get("time_zone"), str(get_locale())
    for membership in waiting["items"]:
        membership["sent"] = times.moment(membership["created_at"], zone, language)
    members = [(m, people_by_id.get(m["person_id"])) for m in active["items"]]
    return _page("people.html", _organization(organization_id), status, members=members, invitations=waiting["items"],
                 next=active["next_cursor"], form=form, problem=problem)


@blueprint.post("/<uuid:organization_id>/people")
@signed_in_only
def invite(organization_id):
    organization_id = _administered(organization_id)
    form = Invitation().offer()
    if form.validate_on_submit():
        try:
            outcome = _invite(organization_id, form)
        except ApiProblem as problem:
            on_form(form, problem)
        else:
            return redirect(url_for("organization.people", organization_id=organization_id, done=outcome), 303)
    return _people(organization_id, form, 422)


def _invite(organization_id: str, form: Invitation) -> str:
    """Someone new to Birlikte is registered with their membership; someone the registry knows
    already (a 409 naming them) is invited, and joins once they accept."""
    backend = api.backend()
    try:
        backend.post("registry", "/people", {**form.person(), **form.membership(), "organization_id": organization_id})
        return "registered"
    except ApiProblem as problem:
        existing = problem.body.get("person_id") if problem.status == 409 else None
        if not existing:
            raise
    answer = backend.post("registry", "/memberships", {**form.membership(), "organization_id": organization_id,
                                                       "person_id": existing}).json()
    return "invited" if answer["status"] == "invited" else "added"


@blueprint.post("/<uuid:organization_id>/memberships/<uuid:membership_id>/end")
@signed_in_only
def end_membership(organization_id, membership_id):
    organization_id = _administered(organization_id)
    try:
        ended = api.backend().post("registry", f"/memberships/{membership_id}/end",
                                   headers={"If-Match": if_match(request.form.get("version"))}).json()
    except ApiProblem as problem:
        return _people(organization_id, Invitation().offer(), problem.status, problem=_said(problem))
    done = "withdrawn" if ended["status"] == "withdrawn" else "ended"
    return redirect(url_for("organization.people", organization_id=organization_id, done=done), 303)


def _said(problem: ApiProblem) -> str:
    if problem.status == 412:
        return _("It changed since this page was shown; look again before you try once more.")
    return message(problem.detail or problem.title)


# --- Partnerships --------------------------------------------------------------------------------------

@blueprint.get("/<uuid:organization_id>/partnerships")
@signed_in_only
def partnerships(organization_id):
    organization_id = _administered(organization_id)
    return _partnerships(organization_id, Partnership())


def _partnerships(organization_id: str, form: Partnership, status: int = 200, problem: str | None = None):
    """Its active partnerships, the partners' names and the organizations it may partner with: at most
    four calls, whatever the number of partnerships."""
    backend = api.backend()
    found = backend.get("registry", "/partnerships", organization_id=organization_id, limit=200)["items"]
    everyone = backend.get("registry", "/organizations", limit=200)["items"]
    names = {o["id"]: o["name"] for o in everyone}
    partner_of = {p["id"]: p["partner_id"] if p["organization_id"] == organization_id else p["organization_id"]
                  for p in found}
    unnamed = sorted(set(partner_of.values()) - set(names))
    if unnamed:
        names.update({o["id"]: o["name"] for o in backend.get("registry", "/organizations", id=unnamed, status="all",
                                                               limit=200)["items"]})
    shown = [{**p, "partner_id": partner_of[p["id"]], "partner_name": names.get(partner_of[p["id"]], ""),
              "partner_side": "partner" if p["organization_id"] == organization_id else "organization",
              "since": since(p["started_on"])} for p in found]
    choices = sorted(((o["id"], o["name"]) for o in everyone if o["id"] != organization_id),
                     key=lambda c: labels.alphabetical(c[1]))
    return _page("partnerships.html", _organization(organization_id), status, partnerships=shown,
                 form=form.offer(choices), problem=problem)


@blueprint.post("/<uuid:organization_id>/partnerships")
@signed_in_only
def add_partnership(organization_id):
    organization_id = _administered(organization_id)
    form = Partnership()
    if form.validate_on_submit():
        try:
            api.backend().post("registry", "/partnerships", form.body(organization_id))
        except ApiProblem as problem:
            on_form(form, problem)
        else:
            return redirect(url_for("organization.partnerships", organization_id=organization_id, done="added"), 303)
    return _partnerships(organization_id, form, 422)


@blueprint.post("/<uuid:organization_id>/partnerships/<uuid:partnership_id>/end")
@signed_in_only
def end_partnership(organization_id, partnership_id):
    organization_id = _administered(organization_id)
    try:
        api.backend().post("registry", f"/partnerships/{partnership_id}/end",
                           headers={"If-Match": if_match(request.form.get("version"))})
    except ApiProblem as problem:
        return _partnerships(organization_id, Partnership(formdata=None), problem.status, problem=_said(problem))
    return redirect(url_for("organization.partnerships", organization_id=organization_id, done="ended"), 303)


# --- Partner API clients -------------------------------------------------------------------------------

@blueprint.get("/<uuid:organization_id>/clients")
@signed_in_only
def clients(organization_id):
    organization_id = _administered(organization_id)
    return _clients(organization_id, Client(data={"attempt": uuid.uuid4().hex}))


def _clients(organization_id: str, form: Client, status: int = 200, problem: str | None = None):
    found = api.backend().get("registry", f"/organizations/{organization_id}/clients", limit=200)["items"]
    zone, language = api.signed_in().get("time_zone"), str(get_locale())
    for client in found:
        client["created"] = times.moment(client["created_at"], zone, language)
    page, status = _page("clients.html", _organization(organization_id), status, clients=found, form=form.offer(),
                         problem=problem)
    return _not_kept(page), status  # the form names its attempt: a page restored from a cache would resend it


@blueprint.post("/<uuid:organization_id>/clients")
@signed_in_only
def create_client(organization_id):
    """The new client's secret is on this answer only: never in the session, a cache or a log. Sent
    again (a reload), the same attempt creates nothing and the secret is not shown again."""
    organization_id = _administered(organization_id)
    form = Client()
    attempt = form.attempt.data if len(form.attempt.data or "") == 32 else uuid.uuid4().hex
    if form.validate_on_submit():
        try:
            created = api.backend().post("registry", f"/organizations/{organization_id}/clients", form.body(),
                                         headers={"Idempotency-Key": f"web-client-{attempt}"}).json()
        except ApiProblem as problem:
            _client_refused(form, problem)
        else:
            if "client_secret" not in created:
                return redirect(url_for("organization.clients", organization_id=organization_id, done="shown"), 303)
            page, status = _page("client_created.html", _organization(organization_id), 201, client=created,
                                 token_url=current.settings().registry_url.rstrip("/") + "/oauth/token")
            return _not_kept(page), status
    return _clients(organization_id, form, 422)


def _client_refused(form: Client, problem: ApiProblem) -> None:
    if problem.body.get("title") == "Idempotency-Key reused":  # this form was sent already, with other values
        form.attempt.data = uuid.uuid4().hex
        form.form_errors.append(_("This form was sent already. Look at the clients above; send it again to create "
                                  "another one."))
    else:
        on_form(form, problem)


def _not_kept(page: str):
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/<uuid:organization_id>/clients/<uuid:client_id>/revoke")
@signed_in_only
def revoke_client(organization_id, client_id):
    organization_id = _administered(organization_id)
    try:
        api.backend().post("registry", f"/organizations/{organization_id}/clients/{client_id}/revoke",
                           headers={"If-Match": if_match(request.form.get("version"))})
    except ApiProblem as problem:
        return _clients(organization_id, Client(formdata=None, data={"attempt": uuid.uuid4().hex}), problem.status,
                        problem=_said(problem))
    return redirect(url_for("organization.clients", organization_id=organization_id, done="revoked"), 303)
