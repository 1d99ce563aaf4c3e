"""One database transaction per request, on a connection taken only when a view needs one.

The view's writes, its outbox messages and whatever the app's before-commit hooks add (the
idempotency record) commit together when the response is a success, and roll back together
otherwise.
"""
from __future__ import annotations

import logging

from flask import current_app, g

from shared.http.problems import problem_response

log = logging.getLogger(__name__)


def pool():
    return current_app.extensions["birlikte"]["pool"]()


def connection():
    if "db_conn" not in g:
        g.db_pool = pool()
        g.db_conn = g.db_pool.getconn()
    return g.db_conn


def cursor():
    return connection().cursor()


def keep_writes() -> None:
    """This request's writes stand even if it ends in a refusal: a refusal that is itself an
    effect (a replayed refresh token ends the session it belonged to)."""
    g.keep_writes = True


def finish(response):
    """after_request: commit a success (after the before-commit hooks), roll back anything else
    (unless the request said to keep its writes)."""
    conn = g.pop("db_conn", None)
    if conn is None:
        return response
    try:
        if response.status_code < 400:
            for hook in current_app.extensions["birlikte"]["before_commit"]:
                hook(conn, response)
            conn.commit()
        elif g.pop("keep_writes", False):
            conn.commit()
        else:
            conn.rollback()
    except Exception:
        log.exception("commit failed")
        conn.rollback()
        response = problem_response(503, "Not saved", "The change could not be committed; retry the request.",
                                    headers={"Retry-After": "1"})
    finally:
        g.pop("db_pool").putconn(conn)
    return response


def release(_exc=None):
    """teardown: a request that ended in an exception gives its connection back, rolled back."""
    conn = g.pop("db_conn", None)
    if conn is not None:
        conn.rollback()
        g.pop("db_pool").putconn(conn)
