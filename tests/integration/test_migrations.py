"""Migrations, and each service's own role over its own schema."""
import threading

import psycopg
import pytest

from shared.db import connect
from shared.migrations import BACKBONE, migrate
from services import registry


def test_migrations_are_recorded_and_applied_once_under_concurrency(settings):
    results, errors = [], []

    def run():
        try:
            results.append(migrate(settings, "registry", registry.SERVICE.migrations))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [[], [], [], []]  # the session fixture applied everything already
    with psycopg.connect(settings.database_url) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM registry.schema_migrations WHERE source = 'backbone'")]
    assert names == sorted(p.name for p in BACKBONE.glob("*.sql"))


def test_fresh_schema_migrates_once_when_two_processes_race(settings):
    from pathlib import Path
    empty = Path(__file__).parents[1] / "support" / "no_migrations"
    results = []
    threads = [threading.Thread(target=lambda: results.append(migrate(settings, "racer", empty)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, 0, len(list(BACKBONE.glob("*.sql")))]


def test_a_service_role_cannot_read_another_services_schema(settings):
    from pathlib import Path
    migrate(settings, "othersvc", Path(__file__).parents[1] / "support" / "no_migrations")
    with connect(settings, "othersvc", autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM registry.outbox")
    with connect(settings, "registry", autocommit=True) as conn:
        conn.execute("SELECT count(*) FROM registry.outbox")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM othersvc.outbox")
