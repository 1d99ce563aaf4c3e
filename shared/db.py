"""Database access: one psycopg pool per service, connected as the service's own role."""
from __future__ import annotations

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from shared.config import Settings


def open_pool(settings: Settings, service: str, *, min_size: int | None = None,
              max_size: int | None = None, name: str | None = None) -> ConnectionPool:
    """A pool of connections as `service`'s role, with `search_path` set to its schema."""
    pool = ConnectionPool(
        settings.database_url_for(service),
        min_size=min_size or settings.db_pool_min,
        max_size=max(max_size or settings.db_pool_max, min_size or settings.db_pool_min),
        kwargs={"row_factory": dict_row, "options": f"-c search_path={service}"},
        name=name or f"{service}-pool",
        open=False,
    )
    pool.open(wait=True, timeout=10)
    return pool


def connect(settings: Settings, service: str, **kwargs) -> psycopg.Connection:
    """A single connection as `service`'s role (LISTEN loops, tests)."""
    return psycopg.connect(
        settings.database_url_for(service), row_factory=dict_row,
        options=f"-c search_path={service}", **kwargs)


def connect_admin(settings: Settings, **kwargs) -> psycopg.Connection:
    return psycopg.connect(settings.database_url, **kwargs)
