"""Idempotency-Key on POST: a retried request never creates twice.

The first successful answer is stored in `idempotency_keys` in the same transaction as the
request's writes (`store_response` is a before-commit hook of shared.http.db.finish), so a failed
request leaves no record and may be retried. The request holds an advisory lock on its key until it
commits; a duplicate that arrives meanwhile is answered 409 at once (as the IETF's Idempotency-Key
draft says) rather than left waiting: it retries, and then gets the stored answer.
"""
from __future__ import annotations

import functools
import hashlib
import json

from flask import Response, g, request

from shared.auth.flask import current_principal
from shared.http.db import cursor
from shared.http.problems import abort_problem

HEADER = "Idempotency-Key"
REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")


def idempotent(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not key or len(key) > 255:
            abort_problem(400, "Invalid Idempotency-Key", "Use a key of 1 to 255 characters, e.g. a UUID.")
        principal = current_principal().subject
        digest = hashlib.sha256(request.method.encode() + request.path.encode() + request.get_data()).hexdigest()
        stored = _lookup(principal, key)
        if stored is None:
            g.idempotency = (principal, key, digest)
            return view(*args, **kwargs)
        if stored["request_hash"] != digest:
            abort_problem(422, "Idempotency-Key reused", "This key was used for a different request; use a new key.")
        headers = {**stored["headers"], "Idempotent-Replayed": "true"}
        return Response(bytes(stored["body"]), status=stored["status"], headers=headers)
    return wrapper


def not_replayed(*names: str) -> None:
    """Members of this answer that are shown once and never kept (a new client's secret): a replay
    answers without them."""
    g.idempotency_omitted = names


def _kept_body(response) -> bytes:
    omitted = g.pop("idempotency_omitted", ())
    if not omitted:
        return response.get_data()
    body = json.loads(response.get_data())
    return json.dumps({k: v for k, v in body.items() if k not in omitted}).encode()


def _lookup(principal: str, key: str) -> dict | None:
    cur = cursor()
    cur.execute("SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0)) AS mine",
                (f"idempotency:{principal}:{key}",))
    if not cur.fetchone()["mine"]:
        abort_problem(409, "Request in progress", "A request with this Idempotency-Key is still being processed; "
                      "retry it in a moment to get its answer.", headers={"Retry-After": "1"})
    cur.execute("SELECT request_hash, status, headers, body FROM idempotency_keys WHERE principal = %s AND key = %s",
                (principal, key))
    return cur.fetchone()


def store_response(conn, response) -> None:
    """Called before the request's commit: keep a successful answer for retries."""
    pending = g.pop("idempotency", None)
    if pending is None:
        return
    principal, key, digest = pending
    headers = {h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}
    conn.execute(
        "INSERT INTO idempotency_keys (principal, key, method, path, request_hash, status, headers, body)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (principal, key, request.method, request.path, digest, response.status_code, json.dumps(headers),
         _kept_body(response)))
