"""The registry's pages, for people: sign in by an emailed code or link, the OpenID Connect
authorization and sign-out endpoints, and one's own account (sessions on each device).

Server-rendered (Jinja2, shared/web's look), in Turkish and English, usable without JavaScript;
every form carries a CSRF token; attempts are rate-limited per address and per client address,
shared by every process (shared/ratelimit.py).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect

from shared import ratelimit
from shared.auth.principal import Principal
from shared.errors import DomainError, Invalid, TooManyRequests
from shared.http import current
from shared.http.db import cursor, pool
from shared.http.errors import status_of
from services.registry import queries
from services.registry.api import browser
from services.registry.api.oidc import SignedIn
from services.registry.operations import sessions, sign_in

pages = Blueprint("pages", __name__, template_folder="../templates/pages")
csrf = CSRFProtect()
CONTINUE_PREFIXES = ("/oauth/authorize", "/account")


@pages.before_request
def protect_forms():
    if request.method == "POST":
        csrf.protect()
    person = browser.signed_in()
    if person is not None:
        cur = cursor()
        cur.execute("SELECT preferred_language FROM people WHERE id = %s", (person["person_id"],))
        g.person_language = cur.fetchone()["preferred_language"]


@pages.errorhandler(DomainError)
def refused(error: DomainError):
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyRequests) else {}
    return render_template("problem.html", error=error), status_of(error), headers


def _continue_to(value: str | None) -> str:
    """Where to go once signed in: only back into the registry (no open redirect)."""
    parts = urlsplit(value or "")
    if not parts.scheme and not parts.netloc and parts.path.startswith(CONTINUE_PREFIXES):
        return value
    return url_for("pages.account")


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _limit(kind: str, key: str, limit: int) -> None:
    settings = current.settings()
    ratelimit.hit(pool(), f"sign-in:{kind}:{key}", limit, settings.sign_in_window_seconds)


# --- Signing in ---------------------------------------------------------------------------------

@pages.get("/signin")
def sign_in_form():
    return render_template("sign_in.html", continue_to=_continue_to(request.args.get("continue")), errors={})


@pages.post("/signin")
def ask_for_code():
    settings, email = current.settings(), request.form.get("email", "").strip()
    continue_to = _continue_to(request.form.get("continue"))
    if "@" not in email or len(email) > 320:
        return render_template("sign_in.html", continue_to=continue_to, email=email,
                               errors={"email": [_("Enter the email address you use with Birlikte.")]}), 422
    _limit("address", _client_address(), settings.sign_in_client_limit)
    _limit("email", sign_in.keyed(settings, email.lower()), settings.sign_in_limit)
    asked = sign_in.request(cursor(), settings, email, str(get_locale()), continue_to)
    session["sign_in"] = str(asked["id"])
    return redirect(url_for("pages.code_form"), 303)


@pages.get("/signin/code")
def code_form():
    if "sign_in" not in session:
        return redirect(url_for("pages.sign_in_form"), 303)
    return render_template("code.html", errors={})


@pages.post("/signin/code")
def enter_code():
    settings, request_id = current.settings(), session.get("sign_in")
    if request_id is None:
        return redirect(url_for("pages.sign_in_form"), 303)
    _limit("address", _client_address(), settings.sign_in_client_limit)
    try:
        _limit("code", request_id, 5)
        used = sign_in.use_code(cursor(), settings, request_id, request.form.get("code", ""))
    except TooManyRequests:
        session.pop("sign_in", None)
        return render_template("code.html", locked=True, errors={}), 429
    except Invalid as exc:
        wrong = exc.title == "Wrong code"
        message = _("That is not the code we sent. Check the email and try again.") if wrong else \
            _("This code is no longer valid. Ask for a new one.")
        return render_template("code.html", errors={"code": [message]}), 422
    session.pop("sign_in", None)
    return _signed_in(used, "otp")


@pages.get("/signin/link")
def link_form():
    """The emailed link asks before it acts: mail scanners open links, and must not use them up."""
    return render_template("link.html", token=request.args.get("token", ""))


@pages.post("/signin/link")
def use_link():
    settings = current.settings()
    _limit("address", _client_address(), settings.sign_in_client_limit)
    try:
        used = sign_in.use_link(cursor(), settings, request.form.get("token", ""))
    except Invalid:
        return render_template("link.html", expired=True), 422
    return _signed_in(used, "email")


def _signed_in(used: dict, method: str):
    """A session for the person who proved it; the browser keeps it; on to where they were going."""
    session.clear()  # a new session id in a fresh cookie session: nothing carried over from before
    started, secret = sessions.start(cursor(), current.settings(), used["person_id"], [method],
                                     user_agent=request.user_agent.string, address=_client_address())
    response = redirect(_continue_to(used["continue_to"]), 303)
    return browser.keep(response, started, secret)


# --- OpenID Connect: authorization and sign-out ---------------------------------------------------

def _provider():
    return current_app.extensions["registry_provider"]


@pages.get("/oauth/authorize")
def authorize():
    """The code flow's front door: a signed-in person gets a code for the client; anyone else
    signs in first and comes back here."""
    provider, live = _provider(), browser.signed_in()
    user = _user(live)
    try:
        grant = provider.server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        if error.redirect_uri:  # the client is known and the URI is its own: tell it there
            return provider.server.handle_error_response(None, error)
        return render_template("problem.html", error=Invalid(_("This sign-in link is not valid"),
                                                             error.description or error.error)), 400
    if user is None or "login" in (request.args.get("prompt") or "").split():
        if user is not None:
            sessions.end(cursor(), _actor(live), live["id"], "signed in again")
        return redirect(url_for("pages.sign_in_form", **{"continue": request.full_path}), 303)
    return provider.server.create_authorization_response(grant_user=user, grant=grant)


def _user(live: dict | None) -> SignedIn | None:
    if live is None:
        return None
    cur = cursor()
    cur.execute("SELECT * FROM people WHERE id = %s", (live["person_id"],))
    return SignedIn(cur.fetchone(), live)


@pages.route("/oauth/logout", methods=["GET", "POST"])
def sign_out():
    """RP-initiated logout: with the client's ID token, at once; without one, after the person says so."""
    provider = _provider()
    try:
        ending = provider.server.validate_endpoint_request("end_session")
    except OAuth2Error as error:
        return render_template("problem.html", error=Invalid(_("This sign-out link is not valid"),
                                                             error.description or error.error)), 400
    if ending.needs_confirmation and request.method == "GET":
        return render_template("sign_out.html", args=request.args)
    response = provider.server.create_endpoint_response("end_session", ending)
    return browser.forget(response or make_response(render_template("signed_out.html")))


# --- The person's own account -------------------------------------------------------------------

@pages.get("/account")
def account():
    live = browser.signed_in()
    if live is None:
        return redirect(url_for("pages.sign_in_form", **{"continue": "/account"}), 303)
    cur = cursor()
    cur.execute("SELECT * FROM people WHERE id = %s", (live["person_id"],))
    return render_template("account.html", person=cur.fetchone(), current=live,
                           sessions=queries.sessions_of(cur, live["person_id"]),
                           passkeys=queries.passkeys_of(cur, live["person_id"]),
                           ask_for_passkey=queries.asked_for_a_passkey(cur, live["person_id"]))


@pages.post("/account/sessions/<uuid:session_id>/end")
def end_session(session_id):
    live = browser.signed_in()
    if live is None:
        return redirect(url_for("pages.sign_in_form"), 303)
    sessions.end_mine(cursor(), _actor(live), session_id)
    response = redirect(url_for("pages.account"), 303)
    return browser.forget(response) if session_id == live["id"] else response


@pages.post("/account/sign-out-everywhere")
def sign_out_everywhere():
    live = browser.signed_in()
    if live is not None:
        sessions.end_all(cursor(), _actor(live), live["person_id"], "signed out everywhere")
    return browser.forget(redirect(url_for("pages.sign_in_form"), 303))


def _actor(live: dict) -> Principal:
    """The person acting in their own browser session."""
    return Principal(subject=str(live["person_id"]))
