"""Plain-SQL migrations per service, applied in order, recorded, safe to run concurrently.

Each service owns one schema and one login role. `migrate(settings, service, directory)`
(run with the administrative DSN) creates both if missing, applies the backbone's own tables
(outbox, inbox, idempotency keys: `shared/migrations/`) and then the service's files, each in
one transaction, under an advisory lock so two processes starting at once apply each file
exactly once. Finally the role gets rights on its own schema and nothing else.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import psycopg
from psycopg import sql

from shared.config import Settings

log = logging.getLogger(__name__)
BACKBONE = Path(__file__).parent / "migrations"


def migrate(settings: Settings, service: str, directory: Path) -> list[str]:
    """Apply pending migrations for `service`; return the names applied."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        ensure_role(conn, settings.role_for(service))
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"birlikte.migrate.{service}",))
            _ensure_schema(conn, service, settings.role_for(service))
            applied = _apply(conn, service, "backbone", BACKBONE)
            applied += _apply(conn, service, service, Path(directory))
            _grant(conn, service, settings.role_for(service))
    for name in applied:
        log.info("migration applied", extra={"service": service, "migration": name})
    return applied


def ensure_role(conn: psycopg.Connection, role: str) -> None:
    """Create the login role if missing; two processes racing on it is fine."""
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
        return
    try:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
        pass  # created by a concurrent process between our check and our CREATE


def _ensure_schema(conn: psycopg.Connection, schema: str, role: str) -> None:
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema)))
    conn.execute(sql.SQL(
        "CREATE TABLE IF NOT EXISTS {}.schema_migrations ("
        " source text NOT NULL, name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, name))"
    ).format(sql.Identifier(schema)))


def _apply(conn: psycopg.Connection, schema: str, source: str, directory: Path) -> list[str]:
    done = {row[0]: row[1] for row in conn.execute(
        sql.SQL("SELECT name, checksum FROM {}.schema_migrations WHERE source = %s").format(sql.Identifier(schema)),
        (source,))}
    applied = []
    for path in sorted(directory.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(text.encode()).hexdigest()
        if path.name in done:
            if done[path.name] != checksum:
                log.warning("applied migration changed on disk", extra={"migration": path.name})
            continue
        conn.execute(sql.SQL("SET LOCAL search_path = {}").format(sql.Identifier(schema)))
        conn.execute(text)
        conn.execute(
            sql.SQL("INSERT INTO {}.schema_migrations (source, name, checksum) VALUES (%s, %s, %s)")
            .format(sql.Identifier(schema)), (source, path.name, checksum))
        applied.append(f"{source}/{path.name}")
    return applied


def _grant(conn: psycopg.Connection, schema: str, role: str) -> None:
    s, r = sql.Identifier(schema), sql.Identifier(role)
    for statement in (
        "GRANT USAGE ON SCHEMA {s} TO {r}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {r}",
    ):
        conn.execute(sql.SQL(statement).format(s=s, r=r))
