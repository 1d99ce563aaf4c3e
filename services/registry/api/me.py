"""The signed-in person's own account, for the apps acting for them (bearer token): who they are and
what their tokens say, where they are signed in (and signing devices out), their invitations."""
from __future__ import annotations

import jwt
from flask import request
from flask.views import MethodView

from shared import rows
from shared.auth.flask import current_principal
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.pagination import cursor_of
from shared.http.resources import page_of, paginate
from shared.paging import PageArgsSchema
from services.registry import access, queries
from services.registry.operations import sessions
from services.registry.schemas import InvitationOut, MeOut, SessionOut, SessionsEnded

blp = Blueprint("me", __name__, url_prefix="/me",
                description="The person whose token this is: their record and claims, their sessions "
                            "(\"signed in on these devices\", sign out everywhere), their invitations.")


def _me():
    principal = current_principal()
    return principal, access.require_person(principal)


def _token_session() -> str | None:
    """The session (`sid`) of the token of this request, which current_principal() has verified."""
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return jwt.decode(token, options={"verify_signature": False}).get("sid")


def _shaped(session: dict) -> dict:
    return {**session, "current": str(session["id"]) == _token_session()}


@blp.route("")
class Me(MethodView):
    @blp.response(200, MeOut)
    def get(self):
        """The person, and their roles and organizations as their next token will say."""
        _principal, person_id = _me()
        cur = cursor()
        return {"person": rows.load(cur, "people", person_id, "person"), **queries.claims_of(cur, person_id)}


@blp.route("/sessions")
class MySessions(MethodView):
    @blp.response(200, page_of(SessionOut))
    def get(self):
        """Where the person is signed in, most recently used first; `current` marks this token's session."""
        _principal, person_id = _me()
        return {"items": [_shaped(s) for s in queries.sessions_of(cursor(), person_id)], "next_cursor": None}


@blp.route("/sessions/<uuid:session_id>/end")
class MySessionEnd(MethodView):
    @blp.response(200, SessionOut)
    def post(self, session_id):
        """Sign one device out: the session ends, its tokens stop in every service."""
        principal, _person_id = _me()
        return _shaped(sessions.end_mine(cursor(), principal, session_id))


@blp.route("/sessions/end-all")
class MySessionsEnd(MethodView):
    @blp.response(200, SessionsEnded)
    def post(self):
        """Sign out everywhere: every session of the person ends (this one too)."""
        principal, person_id = _me()
        return {"ended": sessions.end_all(cursor(), principal, person_id, "signed out everywhere")}


@blp.route("/invitations")
class MyInvitations(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(InvitationOut))
    def get(self, args):
        """Invitations to join an organization waiting for the person's answer
        (`POST /memberships/{id}/accept` or `…/decline`)."""
        _principal, person_id = _me()
        found = queries.invitations_of(cursor(), person_id, cursor_of(args), args["limit"])
        return paginate(found, args["limit"], queries.CREATED_ORDER)
