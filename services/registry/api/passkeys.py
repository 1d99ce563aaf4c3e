"""Passkeys in the browser: the JSON steps of the WebAuthn ceremonies that
shared/web/static/passkeys.js drives (options, then the authenticator's response), and the
account page's form that removes one.

Every route is a POST behind the pages' CSRF check (the script sends the token in X-CSRFToken).
Between a ceremony's two steps, the browser's signed session cookie holds the id of the
challenge the registry keeps (operations/passkeys.py). Refusals of the JSON steps answer in
problem+json, the form's in a page.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, request, session, url_for

from shared.errors import DomainError, Forbidden
from shared.http import current
from shared.http.db import cursor
from shared.http.errors import answer
from services.registry.api import browser, pages
from services.registry.operations import passkeys as operations
from services.registry.operations import sessions

passkeys = Blueprint("passkeys", __name__)
passkeys.before_request(pages.protect_forms)
REGISTERING, SIGNING_IN = "passkey_register", "passkey_sign_in"


@passkeys.errorhandler(DomainError)
def refused(error: DomainError):
    return answer(error) if request.is_json else pages.refused(error)


def _options(options: str):
    return current_app.response_class(options, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _signed_in() -> dict:
    live = browser.signed_in()
    if live is None:
        raise Forbidden("Not signed in", "Sign in first to manage your passkeys.")
    return live


# --- Adding one ---------------------------------------------------------------------------------

@passkeys.post("/passkeys/registration/options")
def registration_options():
    cur, live = cursor(), _signed_in()
    cur.execute("SELECT * FROM people WHERE id = %s", (live["person_id"],))
    session[REGISTERING], options = operations.registration_options(cur, current.settings(), cur.fetchone())
    return _options(options)


@passkeys.post("/passkeys/registration")
def add():
    body = _body()
    operations.add(cursor(), current.settings(), pages._actor(_signed_in()), session.pop(REGISTERING, None),
                   body.get("credential"), body.get("name", ""))
    flash("added", "passkey")
    return jsonify(location=url_for("pages.account")), 201


@passkeys.post("/account/passkeys/<uuid:passkey_id>/remove")
def remove(passkey_id):
    live = browser.signed_in()
    if live is None:
        return redirect(url_for("pages.sign_in_form"), 303)
    operations.remove(cursor(), pages._actor(live), passkey_id)
    flash("removed", "passkey")
    return redirect(url_for("pages.account"), 303)


# --- Signing in with one ------------------------------------------------------------------------

@passkeys.post("/passkeys/sign-in/options")
def sign_in_options():
    """Counted against the client address's sign-in limit, like asking for an email code."""
    settings = current.settings()
    pages._limit("address", pages._client_address(), settings.sign_in_client_limit)
    session[SIGNING_IN], options = operations.sign_in_options(cursor(), settings)
    return _options(options)


@passkeys.post("/passkeys/sign-in")
def sign_in():
    """A session for the passkey's person, as after an email code; the script goes on to `location`."""
    body, settings = _body(), current.settings()
    used = operations.sign_in(cursor(), settings, session.pop(SIGNING_IN, None), body.get("credential"))
    session.clear()  # a fresh cookie session: nothing carried over from before
    started, secret = sessions.start(cursor(), settings, used["person_id"], used["amr"],
                                     user_agent=request.user_agent.string, address=pages._client_address())
    response = jsonify(location=pages._continue_to(body.get("continue")))
    return browser.keep(response, started, secret)
