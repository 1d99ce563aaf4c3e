"""Fixtures every tier shares: a real PostgreSQL database and real RabbitMQ names per run."""
from __future__ import annotations

import importlib
import os
import uuid
from urllib.parse import urlsplit

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from psycopg import sql

from services import SERVICES
from shared.config import Settings
from shared.migrations import migrate
from tests.support.infra import Infra

RUN_ID = f"{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def infra():
    infra = Infra()
    problem = infra.resolve()
    if problem:
        pytest.exit(problem, returncode=3)
    yield infra
    infra.stop()


def _keypair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def _with_database(url: str, database: str) -> str:
    return urlsplit(url)._replace(path="/" + database).geturl()


@pytest.fixture(scope="session")
def test_database(infra):
    """A database of this run's own, dropped at the end: two runs never share rows."""
    name = f"birlikte_test_{RUN_ID}"
    with psycopg.connect(infra.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield _with_database(infra.database_url, name)
    with psycopg.connect(infra.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def base_settings(infra, test_database) -> Settings:
    """Settings for this run: its own database, exchange and queue names, signing keys."""
    private, public = _keypair()
    return Settings(
        database_url=test_database,
        broker_url=infra.broker_url,
        bus_exchange=f"birlikte.test.{RUN_ID}",
        bus_queue_prefix=f"birlikte.test.{RUN_ID}",
        bus_retry_delays=(0.2, 0.4),
        relay_poll_seconds=0.5,
        jwt_private_key=private,
        jwt_public_key=public,
        log_format="text",
        notifications_secret=f"test-secret-{RUN_ID}",
        public_url="http://notifications.test",
    )


@pytest.fixture(scope="session")
def settings(base_settings) -> Settings:
    """base_settings with every service's schema migrated."""
    for name in SERVICES:
        package = importlib.import_module(f"services.{name}")
        migrate(base_settings, name, package.MIGRATIONS)
    return base_settings


@pytest.fixture
def unique_bus(settings) -> Settings:
    """Settings with an exchange and queues of this test's own, for tests that count messages."""
    tag = uuid.uuid4().hex[:8]
    return settings.replace(bus_exchange=f"{settings.bus_exchange}.{tag}",
                            bus_queue_prefix=f"{settings.bus_queue_prefix}.{tag}")


def pytest_report_header(config):
    return [f"birlikte test run {RUN_ID} (pid {os.getpid()})"]
