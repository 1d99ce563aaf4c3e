"""Sessions: a person signed in on a device — started when they prove who they are, ended when
they sign out (there or everywhere), when a replayed refresh token shows it was stolen, or when
they are deactivated. An ended session's tokens stop working in every service within seconds."""
from __future__ import annotations

import secrets
from datetime import timedelta

from shared import rows
from shared.digests import digest
from shared.auth import revocations
from shared.auth.principal import Principal
from shared.config import Settings
from shared.errors import NotFound
from services.registry.messages import emit


def start(cur, settings: Settings, person_id, amr: list[str], *, user_agent: str | None, address: str | None
          ) -> tuple[dict, str]:
    """A new session and the secret the browser keeps for it (shown once, only its hash stored)."""
    secret = secrets.token_urlsafe(32)
    row = rows.insert(cur, "sessions", {
        "secret_hash": digest(secret), "person_id": person_id, "amr": amr,
        "user_agent": (user_agent or "")[:300] or None, "address": address,
        "expires_at": rows.now() + timedelta(days=settings.refresh_token_days)})
    return row, secret


def resume(cur, session_id, secret: str) -> dict | None:
    """The live session a browser's cookie names, if its secret is right; it is seen now."""
    cur.execute("""UPDATE sessions s SET last_seen_at = now() FROM people p
                   WHERE s.id = %s AND s.secret_hash = %s AND s.ended_at IS NULL AND s.expires_at > now()
                     AND p.id = s.person_id AND p.status = 'active' RETURNING s.*""",
                (session_id, digest(secret)))
    return cur.fetchone()


def end(cur, actor: Principal, session_id, reason: str) -> dict:
    """End a session (again is fine): its refresh tokens die, its access tokens are refused."""
    cur.execute("SELECT * FROM sessions WHERE id = %s FOR UPDATE", (session_id,))
    session = cur.fetchone()
    if session is None:
        raise NotFound("Session not found", f"No session has the id {session_id}.")
    if session["ended_at"] is not None:
        return session
    cur.execute("UPDATE sessions SET ended_at = now(), ended_reason = %s WHERE id = %s RETURNING *", (reason, session_id))
    session = cur.fetchone()
    cur.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE session_id = %s AND revoked_at IS NULL", (session_id,))
    revocations.record(cur, f"sid:{session_id}", reason)
    emit(cur, "session", "ended", {**session, "reason": reason})
    return session


def end_mine(cur, actor: Principal, session_id) -> dict:
    """A person ends one of their own sessions (signs a device out)."""
    cur.execute("SELECT person_id FROM sessions WHERE id = %s", (session_id,))
    found = cur.fetchone()
    if found is None or found["person_id"] != actor.person_id:
        raise NotFound("Session not found", f"You have no session with the id {session_id}.")
    return end(cur, actor, session_id, "signed out")


def end_all(cur, actor: Principal, person_id, reason: str) -> int:
    """Every live session of a person (sign out everywhere; deactivation)."""
    cur.execute("SELECT id FROM sessions WHERE person_id = %s AND ended_at IS NULL", (person_id,))
    ended = [end(cur, actor, row["id"], reason) for row in cur.fetchall()]
    return len(ended)
