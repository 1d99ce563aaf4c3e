"""One's own account: name, language and time zone (the pages follow them at once), consents, a
new email address confirmed by the code sent to it, invitations to answer, and where one is signed
in (ending one device, or all of them); passkeys are added at the registry's own account page."""
from __future__ import annotations

import functools

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from shared import web
from shared.http import current
from shared.http.db import cursor
from services.web import api, labels, times
from services.web.errors import ApiProblem
from services.web.forms.account import Consents, EmailChange, EmailCode, Profile, if_match
from services.web.operations import sessions
from services.web.problems import on_form

blueprint = Blueprint("account", __name__, url_prefix="/account")
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def signed_in_only(view):
    """A page of one's own: someone not signed in is sent to sign in, and brought back."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not api.signed_in():
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else "/"), 303)
        return view(*args, **kwargs)
    return wrapper


def _me() -> str:
    return str(api.signed_in()["person_id"])


def _person() -> dict:
    return api.backend().get("registry", f"/people/{_me()}")


@blueprint.get("")
@signed_in_only
def index():
    person = _person()
    return _index(person, Profile(data=person).offer(person["time_zone"]), Consents(data=person))


def _index(person: dict, profile: Profile, consents: Consents, status: int = 200):
    waiting = api.backend().get("registry", "/me/invitations", limit=50)["items"]
    return render_template("account/index.html", me=person, profile=profile, consents=consents,
                           invitations=len(waiting), passkeys_url=_registry("/account")), status


def _registry(path: str) -> str:
    return current.settings().registry_url.rstrip("/") + path


@blueprint.post("/profile")
@signed_in_only
def save_profile():
    form = Profile().offer(request.form.get("time_zone"))
    if form.validate_on_submit():
        try:
            person = api.backend().patch("registry", f"/people/{_me()}", form.body(), if_match(form.version.data)).json()
        except ApiProblem as problem:
            person = _refused(form, problem)
        else:
            return _shown_from_now_on(person)
    else:
        person = _person()
    return _index(person, form, Consents(formdata=None, data=person), 422)


def _shown_from_now_on(person: dict):
    """Every page of every browser the person uses follows their new name, language and zone."""
    sessions.show_person(cursor(), person["id"], name=person["full_name"], language=person["preferred_language"],
                         time_zone=person["time_zone"])
    response = redirect(url_for("account.index", done="profile"), 303)
    # a language chosen with the page's switch would otherwise outvote the one just saved
    response.set_cookie(web.LANGUAGE_COOKIE, person["preferred_language"], max_age=365 * 86400, samesite="Lax",
                        secure=request.is_secure)
    return response


def _refused(form, problem: ApiProblem) -> dict:
    """The registry's refusal on the form; the person as saved now (a 412: saved elsewhere meanwhile,
    the form keeps what they typed and saving again keeps it)."""
    person = _person()
    if problem.status == 412:
        form.version.data = str(person["version"])
        form.form_errors.append(_("Your account was changed elsewhere (in another window, or by an admin of your "
                                  "organization) since you opened this page. Nothing is saved yet: check the form "
                                  "and save again."))
    else:
        on_form(form, problem)
    return person


@blueprint.post("/consents")
@signed_in_only
def save_consents():
    form = Consents()
    if form.validate_on_submit():
        try:
            api.backend().patch("registry", f"/people/{_me()}", form.body(), if_match(form.version.data))
        except ApiProblem as problem:
            person = _refused(form, problem)
        else:
            return redirect(url_for("account.index", done="consents"), 303)
    else:
        person = _person()
    return _index(person, Profile(formdata=None, data=person).offer(person["time_zone"]), form, 422)


# --- A new email address, confirmed by the code sent to it ------------------------------------------

@blueprint.get("/email")
@signed_in_only
def email():
    person = _person()
    return _email(person, EmailChange(data={"version": person["version"]}), EmailCode())


def _email(person: dict, change: EmailChange, code: EmailCode, status: int = 200):
    return render_template("account/email.html", me=person, change=change, code=code), status


@blueprint.post("/email")
@signed_in_only
def change_email():
    form, person = EmailChange(), _person()
    address = (form.email.data or "").strip()
    if form.validate_on_submit():
        if address.lower() == person["email"].lower():
            form.email.errors = [_("This is your address already.")]
        else:
            try:
                api.backend().patch("registry", f"/people/{_me()}", {"email": address}, if_match(form.version.data))
            except ApiProblem as problem:
                _email_refused(form, problem)
                person = _person()
            else:
                return redirect(url_for("account.email", done="sent"), 303)
    form.version.data = str(person["version"])
    return _email(person, form, EmailCode(formdata=None), 422)


def _email_refused(form: EmailChange, problem: ApiProblem) -> None:
    if problem.status == 409:  # the registry names the address in its detail: say it here in the reader's words
        form.email.errors = [_("Someone else has this address already.")]
    elif problem.status == 412:
        form.form_errors.append(_("Your account was changed elsewhere since you opened this page; send it again."))
    else:
        on_form(form, problem)


@blueprint.post("/email/confirm")
@signed_in_only
def confirm_email():
    form = EmailCode()
    if form.validate_on_submit():
        try:
            api.backend().post("registry", f"/people/{_me()}/email/confirm", {"code": (form.code.data or "").strip()})
        except ApiProblem as problem:
            on_form(form, problem)
        else:
            return redirect(url_for("account.index", done="email"), 303)
    person = _person()
    return _email(person, EmailChange(formdata=None, data={"version": person["version"]}), form, 422)


# --- Invitations to join an organization --------------------------------------------------------------

@blueprint.get("/invitations")
@signed_in_only
def invitations():
    waiting = api.backend().get("registry", "/me/invitations", limit=50)["items"]
    for invitation in waiting:
        invitation["sent"] = times.moment(invitation["created_at"], _zone(), str(get_locale()))
    return render_template("account/invitations.html", invitations=waiting, **labels.community())


@blueprint.post("/invitations/<uuid:membership_id>/<any(accept, decline):answer>")
@signed_in_only
def answer_invitation(membership_id, answer):
    try:
        api.backend().post("registry", f"/memberships/{membership_id}/{answer}")
    except ApiProblem as problem:
        return api.problem_page(problem, problem.status)
    if answer == "accept":
        sessions.renew_soon(cursor(), api.signed_in()["id"])  # the next page's token names the organization
    return redirect(url_for("account.invitations", done=f"{answer}ed"), 303)


# --- Where one is signed in -------------------------------------------------------------------------

@blueprint.get("/sessions")
@signed_in_only
def devices():
    found = api.backend().get("registry", "/me/sessions")["items"]
    return render_template("account/sessions.html", sessions=[_device(s) for s in found],
                           passkeys_url=_registry("/account"))


def _device(session: dict) -> dict:
    agent = session.get("user_agent") or ""
    browser = next((name for mark, name in BROWSERS if mark in agent), None)
    system = next((name for mark, name in SYSTEMS if mark in agent), None)
    method = next((labels.SIGN_IN_METHOD_NAMES[m] for m in session.get("amr") or () if m in labels.SIGN_IN_METHOD_NAMES),
                  None)
    zone, language = _zone(), str(get_locale())
    return {**session, "browser": browser, "system": system, "method": method,
            "signed_in": times.moment(session["auth_time"], zone, language),
            "last_seen": times.moment(session["last_seen_at"], zone, language)}


def _zone() -> str | None:
    return api.signed_in().get("time_zone")


@blueprint.post("/sessions/<uuid:session_id>/end")
@signed_in_only
def end_session(session_id):
    ended = api.backend().post("registry", f"/me/sessions/{session_id}/end").json()
    if ended["current"]:
        return _signed_out_here("here")
    return redirect(url_for("account.devices", done="ended"), 303)


@blueprint.post("/sessions/end-all")
@signed_in_only
def end_all_sessions():
    api.backend().post("registry", "/me/sessions/end-all")
    return _signed_out_here("everywhere")


def _signed_out_here(where: str):
    """This browser's session ended at the registry: it ends here too."""
    sessions.end(cursor(), api.signed_in()["id"])
    return api.forget(redirect(url_for("account.signed_out", where=where), 303))


@blueprint.get("/signed-out")
def signed_out():
    return render_template("account/signed_out.html", everywhere=request.args.get("where") == "everywhere")
