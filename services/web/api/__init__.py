"""The web app's pages: one blueprint per area (auth, program, me, …), plus what they share: who
is signed in on this browser, and the services' APIs called on their behalf."""
from __future__ import annotations

from dataclasses import dataclass

import jwt
from flask import current_app, g, make_response, render_template, request
from flask_babel import get_locale

from shared import web
from shared.errors import DomainError
from shared.http import current
from shared.http.db import cursor, keep_writes
from shared.web import session_cookie
from services.web.backend import Backend
from services.web.errors import ApiProblem
from services.web.operations import sessions
from services.web.problems import message

COOKIE = "birlikte_web"


def signed_in() -> dict | None:
    """The web session of this browser (its person's id, name, language), or None."""
    if "web_session" not in g:
        g.web_session = _resume()
    return g.web_session


def _resume() -> dict | None:
    found = session_cookie(COOKIE)
    return sessions.resume(cursor(), *found) if found else None


def backend() -> Backend:
    """The APIs, called as the signed-in person (with an access token renewed when due), or anonymously."""
    if "backend" not in g:
        live, settings = signed_in(), current.settings()
        token = sessions.access_token(cursor(), settings, live) if live else None
        g.backend = Backend(settings, token, language=str(get_locale() or ""))
    return g.backend


def who() -> Who:
    """What the signed-in person may see offered (from their access token's claims): the pages
    decide which links and buttons to show by it; the services decide what is allowed."""
    if "who" not in g:
        token = backend().token if signed_in() else None
        g.who = Who.of(jwt.decode(token, options={"verify_signature": False}) if token else {})
    return g.who


def unread() -> int:
    """The signed-in person's unread notifications, for the navigation (0 while the inbox has no pages)."""
    if not signed_in() or "inbox.index" not in current_app.view_functions:
        return 0
    if "unread" not in g:
        g.unread = inbox_count()
    return g.unread


def inbox_count() -> int:
    """One bounded call: the notifications service counts."""
    try:
        return int(backend().get("notifications", "/inbox/unread-count").get("unread", 0))
    except ApiProblem:
        return 0  # the navigation never fails a page


@dataclass(frozen=True)
class Who:
    person_id: str | None = None
    roles: frozenset = frozenset()
    admin_of: frozenset = frozenset()
    member_of: frozenset = frozenset()

    @classmethod
    def of(cls, claims: dict) -> "Who":
        return cls(claims.get("sub"), frozenset(claims.get("roles") or ()), frozenset(claims.get("admin_of") or ()),
                   frozenset(claims.get("member_of") or ()))

    @property
    def is_coordinator(self) -> bool:
        return "coordinator" in self.roles

    @property
    def organizes(self) -> bool:
        """A coordinator, or an admin of an organization (who may organize its events)."""
        return self.is_coordinator or bool(self.admin_of)


def signed_out(render):
    """The person's session is over (it ended at the registry, or the services refuse its token):
    it ends here too, for good, and the page says to sign in again."""
    live = g.get("web_session")
    for name in ("web_session", "backend", "who", "unread"):
        g.pop(name, None)
    g.web_session = None
    if live:
        sessions.end(cursor(), live["id"])
        keep_writes()  # the refusal is itself an effect: the session stays ended
    return forget(make_response(render("signed_out.html"), 401))


def keep(response, session: dict, secret: str):
    response.set_cookie(COOKIE, f"{session['id']}.{secret}", max_age=current.settings().refresh_token_days * 86400,
                        httponly=True, samesite="Lax", secure=request.is_secure, path="/")
    return response


def forget(response):
    response.delete_cookie(COOKIE, path="/")
    return response


def problem_page(error: DomainError, status: int):
    """A refusal as a page: its heading by status, in the reader's language, and what the service
    said when the reader can read it (in their language, or in English to an English reader)."""
    said = message(error.detail) if error.detail else None
    readable = said if said and (said != error.detail or web.language() == "en") else None
    return render_template("problem.html", status=status, detail=readable), status
