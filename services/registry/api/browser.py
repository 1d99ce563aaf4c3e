"""The registry's own browser session: who is signed in on this device (a cookie naming a
session and holding its secret), and the little a sign-in in progress needs (Flask's signed
cookie session: the pending sign-in request, form tokens)."""
from __future__ import annotations


from flask import g, request

from shared.http import current
from shared.http.db import cursor
from shared.web import session_cookie
from services.registry.operations import sessions

COOKIE = "birlikte_session"


def signed_in() -> dict | None:
    """The live session of this browser, with its person's id; None when no one is signed in."""
    if "browser_session" not in g:
        g.browser_session = _resume()
    return g.browser_session


def _resume() -> dict | None:
    found = session_cookie(COOKIE)
    return sessions.resume(cursor(), *found) if found else None


def keep(response, session: dict, secret: str):
    """The browser keeps the session (HttpOnly, SameSite=Lax: it rides along a top-level sign-in
    redirect, not a cross-site form or fetch)."""
    response.set_cookie(COOKIE, f"{session['id']}.{secret}", max_age=current.settings().refresh_token_days * 86400,
                        httponly=True, samesite="Lax", secure=request.is_secure, path="/")
    return response


def forget(response):
    response.delete_cookie(COOKIE, path="/")
    return response
