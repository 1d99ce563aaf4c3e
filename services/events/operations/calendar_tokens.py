"""A person's private calendar URL: a token only its hash of which is kept, made anew or revoked."""
from __future__ import annotations

import secrets

from shared.auth.principal import Principal
from shared.digests import digest


def make(cur, actor: Principal, person_id) -> str:
    """A new token for the person's calendar (shown once); the previous one stops working."""
    revoke(cur, actor, person_id)
    token = secrets.token_urlsafe(24)
    cur.execute("INSERT INTO calendar_tokens (token_hash, person_id) VALUES (%s, %s)", (digest(token), person_id))
    return token


def revoke(cur, actor: Principal, person_id) -> None:
    cur.execute("UPDATE calendar_tokens SET revoked_at = now() WHERE person_id = %s AND revoked_at IS NULL", (person_id,))
