"""Tokens that no longer stand, though they verify: a session that ended, a person deactivated, a
role or membership withdrawn, a partner client revoked.

Each service keeps `token_revocations` (subject → not_before) in its own schema: the registry
writes its own in the transaction that revokes; the others copy the registry's messages (`record`
is their handler). An API process reads the recent ones at most once a second, so a revocation
reaches every API within seconds — for access tokens already issued, not only for new ones.

A subject is a person's id, `client:<client id>`, or `sid:<session id>`. A token issued before
the second after its subject's `not_before` is refused; the registry issues tokens for a subject
with a recent `not_before` no earlier than that second (`earliest_issue`), so that a token with
the new claims is never taken for one from before the change.
"""
from __future__ import annotations

import math
import threading
import time

from shared.auth.tokens import LEEWAY_SECONDS

REFRESH_SECONDS = 1.0


def subjects(claims: dict) -> list[str]:
    found = [str(claims["sub"])]
    if claims.get("sid"):
        found.append(f"sid:{claims['sid']}")
    return found


def record(cur, subject: str, reason: str, at=None) -> None:
    """Refuse the subject's tokens issued until now (or `at`); a later revocation moves it on."""
    cur.execute("""INSERT INTO token_revocations (subject, not_before, reason) VALUES (%s, COALESCE(%s, now()), %s)
                   ON CONFLICT (subject) DO UPDATE SET not_before = GREATEST(token_revocations.not_before,
                                                                              excluded.not_before),
                                                        reason = excluded.reason""", (subject, at, reason))


# What each registry message refuses from the moment it was sent: the subject whose tokens stop.
REVOKING = {
    "registry.session.ended": lambda data: f"sid:{data['id']}",
    "registry.person.deactivated": lambda data: str(data["id"]),
    "registry.role.withdrawn": lambda data: str(data["person_id"]),
    "registry.membership.ended": lambda data: str(data["person_id"]),
    "registry.client.revoked": lambda data: f"client:{data['client_id']}",
}


def copy(cur, message) -> None:
    """A consuming service's handler: the registry's revocation, in this service's copy."""
    record(cur, REVOKING[message.type](message.data), message.type, at=message.time)


def with_revocations(subscriptions: dict) -> dict:
    """A service's subscriptions with the registry's revocations added (after its own handlers)."""
    merged = {type_: list(handlers) for type_, handlers in subscriptions.items()}
    for type_ in REVOKING:
        merged.setdefault(type_, []).append(copy)
    return merged


def earliest_issue(cur, subject_names: list[str]) -> int:
    """The earliest `iat` a new token for these subjects may carry (now, or just past a revocation)."""
    cur.execute("SELECT max(not_before) AS latest FROM token_revocations WHERE subject = ANY(%s)", (subject_names,))
    latest = cur.fetchone()["latest"]
    now = int(time.time())
    return max(now, math.ceil(latest.timestamp())) if latest else now


def prune(pool, lifetime_seconds: int) -> int:
    """Forget revocations older than any token they could refuse (a worker's timer)."""
    with pool.connection() as conn:
        return conn.execute("DELETE FROM token_revocations WHERE not_before < now() - make_interval(secs => %s)",
                            (lifetime_seconds + LEEWAY_SECONDS + 60,)).rowcount


class Revocations:
    """What an API process knows of the service's recent revocations: `reason(claims)` says why a
    token no longer stands, or None."""

    def __init__(self, pool, lifetime_seconds: int):
        self._pool, self._horizon = pool, lifetime_seconds + LEEWAY_SECONDS
        self._known: dict[str, tuple[float, str]] = {}
        self._read_at = 0.0
        self._lock = threading.Lock()

    def reason(self, claims: dict) -> str | None:
        known = self._current()
        for subject in subjects(claims):
            entry = known.get(subject)
            if entry is not None and float(claims["iat"]) < math.ceil(entry[0]):
                return entry[1]
        return None

    def _current(self) -> dict[str, tuple[float, str]]:
        with self._lock:
            if time.monotonic() - self._read_at >= REFRESH_SECONDS:
                with self._pool().connection() as conn:
                    found = conn.execute("SELECT subject, not_before, reason FROM token_revocations "
                                         "WHERE not_before > now() - make_interval(secs => %s)",
                                         (self._horizon,)).fetchall()
                self._known = {row["subject"]: (row["not_before"].timestamp(), row["reason"]) for row in found}
                self._read_at = time.monotonic()
            return self._known
