"""Signing in by email: a person gives the address the registry knows, and gets a one-time code
and a link (either works) in their own language.

The request is written at once; the code and link are made by the worker when it sends them,
and only their keyed hashes are kept (BIRLIKTE_REGISTRY_SECRET keys them: six digits would be
found from a plain hash at once). Codes last BIRLIKTE_SIGN_IN_CODE_SECONDS and work once; wrong
tries are counted by the caller's rate limit, which locks the code after five. A request for an
address no one has is recorded the same way and never sent: the answer does not tell.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from shared import leases, rows
from shared.config import ConfigError, Settings
from shared.errors import Invalid
from services.registry import queries

CODE_DIGITS = 6
DUE = leases.Due("sign_in_requests", when="status = 'pending'", order="created_at",
                 claim="status = 'sending'", claimed="status = 'sending'", eligible="expires_at > now()")


def keyed(settings: Settings, value: str) -> str:
    if not settings.registry_secret:
        raise ConfigError(["BIRLIKTE_REGISTRY_SECRET: required by the registry (signs its cookies, keys sign-in codes)"])
    return hmac.new(settings.registry_secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def request(cur, settings: Settings, email: str, language: str, continue_to: str | None) -> dict:
    """Record a request to sign in with `email`; the same answer whoever it belongs to."""
    person = queries.person_by_email(cur, email)
    return rows.insert(cur, "sign_in_requests", {
        "person_id": person["id"] if person else None,
        "language": person["preferred_language"] if person else language,
        "continue_to": continue_to, "status": "pending" if person else "dropped",
        "expires_at": rows.now() + timedelta(seconds=settings.sign_in_code_seconds)})


def make_secrets(cur, settings: Settings, request_id) -> tuple[str, str]:
    """The worker, about to send: a fresh code and link for the request, their hashes stored."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    link = secrets.token_urlsafe(32)
    cur.execute("UPDATE sign_in_requests SET code_hash = %s, link_hash = %s WHERE id = %s",
                (keyed(settings, code), keyed(settings, link), request_id))
    return code, link


def _expired() -> Invalid:
    return Invalid("Code expired", "This sign-in code or link is no longer valid; ask for a new one.",
                   errors={"code": ["No longer valid: ask for a new one."]})


def use_code(cur, settings: Settings, request_id, code: str) -> dict:
    """The request the code belongs to, now used; Invalid for a wrong, used or expired code."""
    cur.execute("SELECT * FROM sign_in_requests WHERE id = %s FOR UPDATE", (request_id,))
    found = cur.fetchone()
    if found is None or found["status"] != "sent" or found["expires_at"] <= rows.now():
        raise _expired()
    if not hmac.compare_digest(found["code_hash"], keyed(settings, "".join(code.split()))):
        raise Invalid("Wrong code", "That is not the code we sent; check the email and try again.",
                      errors={"code": ["Not the code we sent."]})
    return _used(cur, request_id)


def use_link(cur, settings: Settings, link: str) -> dict:
    """The request the emailed link belongs to, now used; Invalid when it cannot be used."""
    cur.execute("SELECT * FROM sign_in_requests WHERE link_hash = %s FOR UPDATE", (keyed(settings, link),))
    found = cur.fetchone()
    if found is None or found["status"] != "sent" or found["expires_at"] <= rows.now():
        raise _expired()
    return _used(cur, found["id"])


def _used(cur, request_id) -> dict:
    cur.execute("UPDATE sign_in_requests SET status = 'used', used_at = now(), code_hash = NULL, link_hash = NULL "
                "WHERE id = %s RETURNING *", (request_id,))
    return cur.fetchone()


def prune(cur) -> int:
    """Requests a day past their expiry are forgotten."""
    cur.execute("DELETE FROM sign_in_requests WHERE expires_at < now() - interval '1 day'")
    return cur.rowcount
