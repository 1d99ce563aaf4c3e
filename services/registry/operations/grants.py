"""What a signed-in session grants a client: authorization codes (single use, bound to the PKCE
challenge, the redirect URI and the session), access tokens (short JWTs with the person's current
claims), refresh tokens (opaque, rotated on every use; a used one presented again ends the session).

The OAuth protocol around these is authlib's (services/registry/api/oidc.py); these are the
records and the rules.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from shared import rows
from shared.auth import revocations
from shared.auth.tokens import TokenIssuer
from shared.digests import digest
from shared.config import Settings
from services.registry import queries

CODE_SECONDS = 120


def save_code(cur, code: str, *, client_id: str, session: dict, redirect_uri: str, scope: str, nonce: str | None,
              challenge: str, method: str) -> None:
    rows.insert(cur, "authorization_codes", {
        "code_hash": digest(code), "client_id": client_id, "session_id": session["id"],
        "person_id": session["person_id"], "redirect_uri": redirect_uri, "scope": scope, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": method,
        "expires_at": rows.now() + timedelta(seconds=CODE_SECONDS)})


def find_code(cur, code: str, client_id: str) -> dict | None:
    """The live code, locked (two redemptions at once: the second finds it gone)."""
    cur.execute("""SELECT c.* FROM authorization_codes c JOIN sessions s ON s.id = c.session_id
                   WHERE c.code_hash = %s AND c.client_id = %s AND c.expires_at > now()
                     AND s.ended_at IS NULL FOR UPDATE OF c""", (digest(code), client_id))
    return cur.fetchone()


def spend_code(cur, code_row: dict) -> None:
    cur.execute("DELETE FROM authorization_codes WHERE code_hash = %s", (code_row["code_hash"],))


def access_token(cur, issuer: TokenIssuer, *, person_id, session_id, client_id: str, scope: str) -> str:
    """A JWT with the person's claims as they are now; never dated before a recent revocation of
    them (a role withdrawn a moment ago must not make the new token look old)."""
    subject = str(person_id)
    issued = revocations.earliest_issue(cur, [subject, f"sid:{session_id}"])
    return issuer.issue(subject, **queries.claims_of(cur, person_id), scopes=scope.split(), sid=str(session_id),
                        azp=client_id, iat=issued, exp=issued + issuer.lifetime)


def save_refresh(cur, settings: Settings, token: str, *, session_id, client_id: str, person_id, scope: str) -> None:
    rows.insert(cur, "refresh_tokens", {
        "token_hash": digest(token), "session_id": session_id, "client_id": client_id, "person_id": person_id,
        "scope": scope, "expires_at": rows.now() + timedelta(days=settings.refresh_token_days)})


def new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def find_refresh(cur, token: str) -> dict | None:
    """The refresh token's record, locked, whatever its state (the caller tells a replay from a use)."""
    cur.execute("""SELECT r.*, s.ended_at AS session_ended_at, s.expires_at AS session_expires_at,
                          p.status AS person_status
                   FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN people p ON p.id = r.person_id
                   WHERE r.token_hash = %s FOR UPDATE OF r""", (digest(token),))
    return cur.fetchone()


def is_replay(row: dict) -> bool:
    """A token already exchanged (or revoked) presented again: someone else has a copy."""
    return row["used_at"] is not None or row["revoked_at"] is not None


def is_usable(row: dict) -> bool:
    return (not is_replay(row) and row["expires_at"] > rows.now() and row["session_ended_at"] is None
            and row["session_expires_at"] > rows.now() and row["person_status"] == "active")


def spend_refresh(cur, row: dict) -> None:
    cur.execute("UPDATE refresh_tokens SET used_at = now() WHERE id = %s", (row["id"],))
    cur.execute("UPDATE sessions SET last_seen_at = now() WHERE id = %s", (row["session_id"],))


def revoke_refresh(cur, row: dict) -> None:
    cur.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL", (row["id"],))
