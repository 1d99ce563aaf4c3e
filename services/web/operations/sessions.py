"""A person signed in on a browser, as the web app keeps them: their tokens, here and nowhere
else. The access token is renewed with the refresh token shortly before it expires; the refresh
token rotates at the registry, so two requests of one browser never refresh at once (the
session's row is locked for it, and the second finds the first's new token)."""
from __future__ import annotations

import functools
import secrets
import time
from datetime import datetime, timedelta, timezone

import requests

from shared import rows
from shared.config import Settings
from shared.digests import digest
from services.web import store
from services.web.errors import SignedOut

RENEW_BEFORE_SECONDS = 30  # renew a little before expiry: a request in flight must not carry a dead token


def start(cur, settings: Settings, token: dict, person: dict) -> tuple[dict, str]:
    """A session for the person the registry signed in; the secret the browser keeps for it."""
    secret = secrets.token_urlsafe(32)
    row = rows.insert(cur, "sessions", {
        "secret_hash": digest(secret), "person_id": person["sub"], "name": person.get("name") or "",
        "language": person.get("locale"), "time_zone": person.get("zoneinfo"), "tokens": store.seal(settings, _kept(token)),
        "access_expires_at": _expiry(token), "expires_at": rows.now() + timedelta(days=settings.refresh_token_days)})
    return row, secret


def resume(cur, session_id, secret: str) -> dict | None:
    cur.execute("UPDATE sessions SET last_seen_at = now() WHERE id = %s AND secret_hash = %s AND expires_at > now() "
                "RETURNING *", (session_id, digest(secret)))
    return cur.fetchone()


def access_token(cur, settings: Settings, session: dict) -> str:
    """A live access token of the session, renewed first when it is about to expire."""
    if session["access_expires_at"] - timedelta(seconds=RENEW_BEFORE_SECONDS) > rows.now():
        return store.unseal(settings, session["tokens"])["access_token"]
    cur.execute("SELECT * FROM sessions WHERE id = %s FOR UPDATE", (session["id"],))
    current = cur.fetchone()
    if current is None:
        raise SignedOut()
    tokens = store.unseal(settings, current["tokens"])
    if current["access_expires_at"] - timedelta(seconds=RENEW_BEFORE_SECONDS) > rows.now():
        return tokens["access_token"]  # another request renewed it while this one waited
    renewed = _refresh(settings, tokens["refresh_token"])
    if renewed is None:
        end(cur, session["id"])
        raise SignedOut()
    cur.execute("UPDATE sessions SET tokens = %s, access_expires_at = %s WHERE id = %s",
                (store.seal(settings, {**tokens, **_kept(renewed)}), _expiry(renewed), session["id"]))
    return renewed["access_token"]


def _refresh(settings: Settings, refresh_token: str) -> dict | None:
    """The registry's new tokens, or None when it will not renew (the session ended there)."""
    answer = requests.post(token_endpoint(settings), timeout=10,
                           data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                           auth=(settings.web_client_id, settings.web_client_secret or ""))
    if answer.status_code == 400:
        return None
    answer.raise_for_status()
    return answer.json()


def token_endpoint(settings: Settings) -> str:
    """Where the issuer renews tokens, as its discovery document says (asked once per process)."""
    return _token_endpoint(settings.issuer)


@functools.cache
def _token_endpoint(issuer: str) -> str:
    found = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    found.raise_for_status()
    return found.json()["token_endpoint"]


def id_token(settings: Settings, session: dict) -> str | None:
    return store.unseal(settings, session["tokens"]).get("id_token")


def show_person(cur, person_id, *, name: str, language: str, time_zone: str) -> None:
    """The person changed their name, language or time zone at the registry: every browser they are
    signed in on shows the new ones from its next page (sign-in copied them from the ID token)."""
    cur.execute("UPDATE sessions SET name = %s, language = %s, time_zone = %s WHERE person_id = %s",
                (name, language, time_zone, person_id))


def renew_soon(cur, session_id) -> None:
    """The person's claims changed (they joined an organization): the next page renews the access
    token, which then names it."""
    cur.execute("UPDATE sessions SET access_expires_at = now() WHERE id = %s", (session_id,))


def end(cur, session_id) -> None:
    cur.execute("DELETE FROM sessions WHERE id = %s", (session_id,))


def prune(cur) -> int:
    cur.execute("DELETE FROM sessions WHERE expires_at < now()")
    return cur.rowcount


def _kept(token: dict) -> dict:
    return {k: token[k] for k in ("access_token", "refresh_token", "id_token") if token.get(k)}


def _expiry(token: dict) -> datetime:
    expires_at = token.get("expires_at") or time.time() + int(token.get("expires_in") or 60)
    return datetime.fromtimestamp(expires_at, timezone.utc)
