"""The foundation: configuration, migrations and each service's own role."""
import threading

import psycopg
import pytest

from shared.config import ConfigError, load_settings
from shared.db import connect
from shared.migrations import migrate
from services import registry


def test_config_reports_every_malformed_variable_at_once():
    with pytest.raises(ConfigError) as info:
        load_settings({"BIRLIKTE_DB_POOL_MAX": "many", "BIRLIKTE_BROKER_URL": "http://x",
                       "BIRLIKTE_BUS_RETRY_DELAYS": ""})
    text = str(info.value)
    assert "BIRLIKTE_DB_POOL_MAX" in text and "BIRLIKTE_BROKER_URL" in text
    assert "BIRLIKTE_BUS_RETRY_DELAYS" in text
    assert len(info.value.problems) == 3


def test_config_defaults_and_service_role_dsn():
    settings = load_settings({"BIRLIKTE_DATABASE_URL": "postgresql://admin:pw@db.example:6543/birlikte"})
    assert settings.database_url_for("registry") == "postgresql://birlikte_registry@db.example:6543/birlikte"
    explicit = load_settings({"BIRLIKTE_REGISTRY_DATABASE_URL": "postgresql://reg:secret@db/birlikte"})
    assert explicit.database_url_for("registry") == "postgresql://reg:secret@db/birlikte"


def test_migrations_are_recorded_and_applied_once_under_concurrency(settings):
    results, errors = [], []

    def run():
        try:
            results.append(migrate(settings, "registry", registry.MIGRATIONS))
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
    assert names == ["0001_backbone.sql"]


def test_fresh_schema_migrates_once_when_two_processes_race(settings):
    from pathlib import Path
    empty = Path(__file__).parent / "support" / "no_migrations"
    results = []
    threads = [threading.Thread(target=lambda: results.append(migrate(settings, "racer", empty)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, 0, 1]


def test_a_service_role_cannot_read_another_services_schema(settings):
    from pathlib import Path
    migrate(settings, "othersvc", Path(__file__).parent / "support" / "no_migrations")
    with connect(settings, "othersvc", autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM registry.outbox")
    with connect(settings, "registry", autocommit=True) as conn:
        conn.execute("SELECT count(*) FROM registry.outbox")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM othersvc.outbox")
