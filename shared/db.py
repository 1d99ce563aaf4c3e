"""Database access: one psycopg pool per service, connected as the service's own role."""
from __future__ import annotations

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from shared.config import Settings


def open_pool(settings: Settings, service: str, *, min_size: int | None = None,
              max_size: int | None = None, name: str | None = None) -> ConnectionPool:
    """A pool of connections as `service`'s role, with `search_path` set to its schema."""
    holder: list[ConnectionPool] = []
    pool = ConnectionPool(
        settings.database_url_for(service),
        min_size=min_size or settings.db_pool_min,
        max_size=max(max_size or settings.db_pool_max, min_size or settings.db_pool_min),
        kwargs={"row_factory": dict_row, "options": options(settings, service)},
        check=lambda conn: _check(holder[0], conn),
        timeout=settings.db_wait_seconds,
        name=name or f"{service}-pool",
        open=False,
    )
    holder.append(pool)
    pool.open(wait=True, timeout=10)
    return pool


def _check(pool: ConnectionPool, conn) -> None:
    """Each connection is tried as the pool hands it out: one broken by a restart of PostgreSQL is
    found here, not by a request. The first broken one means the others likely are too (a
    restart drops them all): they are all checked and replaced at once, so that the pool's next
    try (after its back-off, about a second) gets a new connection rather than the next dead one."""
    try:
        ConnectionPool.check_connection(conn)
    except psycopg.Error:
        pool.check()
        raise


def options(settings: Settings, service: str) -> str:
    """The session settings of every connection: its schema, and limits that keep a held lock or a
    runaway query from hanging the caller (it fails fast instead, and says so)."""
    return (f"-c search_path={service} -c statement_timeout={int(settings.db_statement_timeout_seconds * 1000)}"
            f" -c lock_timeout={int(settings.db_lock_timeout_seconds * 1000)}"
            " -c idle_in_transaction_session_timeout=60000")


def connect(settings: Settings, service: str, **kwargs) -> psycopg.Connection:
    """A single connection as `service`'s role (LISTEN loops, tests)."""
    return psycopg.connect(
        settings.database_url_for(service), row_factory=dict_row, options=options(settings, service), **kwargs)


def connect_admin(settings: Settings, **kwargs) -> psycopg.Connection:
    return psycopg.connect(settings.database_url, **kwargs)
