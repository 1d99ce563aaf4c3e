"""One database transaction per request, on a connection taken only when a view needs one.

The view's writes, its outbox messages and whatever the app's before-commit hooks add (the
idempotency record) commit together when the response is a success, and roll back together
otherwise.
"""
from __future__ import annotations

import logging

import psycopg

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


def commit_now() -> None:
    """Commit what the request wrote so far and give its connection back, before a view spends
    minutes on something else (streaming an upload through): no transaction stays open meanwhile."""
    conn = g.pop("db_conn", None)
    if conn is not None:
        try:
            conn.commit()
        finally:
            g.pop("db_pool").putconn(conn)


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
        _rollback(conn)
        response = problem_response(503, "Not saved", "The change could not be committed; retry the request.",
                                    headers={"Retry-After": "1"})
    finally:
        g.pop("db_pool").putconn(conn)
    return response


def release(_exc=None):
    """teardown: a request that ended in an exception gives its connection back, rolled back."""
    conn = g.pop("db_conn", None)
    if conn is not None:
        _rollback(conn)
        g.pop("db_pool").putconn(conn)


def _rollback(conn) -> None:
    """Roll back; on a connection the server dropped there is nothing to roll back (the pool
    discards a broken connection when it is given back)."""
    try:
        conn.rollback()
    except psycopg.Error:
        log.warning("rollback failed on a broken connection", exc_info=True)
