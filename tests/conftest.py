"""What every tier shares. The tiers, by folder:

- tests/unit/        no servers at all: rules, decisions, rendering, contracts (runs with
                     PostgreSQL and RabbitMQ stopped);
- tests/integration/ a real PostgreSQL (a database of the run's own); the broker is a closed port;
- tests/e2e/         a real PostgreSQL and a real RabbitMQ (exchange and queues of the run's own),
                     processes, the command line.

Each tier's conftest says what `settings` means there. Servers are found (or started in Docker)
by tests/support/infra.py; one that cannot be reached stops the run with how to start it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from psycopg import sql

from services import ALL
from shared.config import Settings
from shared.migrations import migrate
from tests.support.infra import Infra
from tests.support.tokens import Tokens
from tests.support.wire import pika_connection

RUN_ID = f"{uuid.uuid4().hex[:8]}"
TIERS = ("unit", "integration", "e2e")
CLOSED_BROKER = "amqp://guest:guest@127.0.0.1:9//"  # the discard port: nothing speaks AMQP there


def pytest_collection_modifyitems(config, items):
    """Each test carries the marker of its tier (`pytest -m unit`), taken from its folder."""
    root = Path(__file__).parent
    for item in items:
        parts = Path(item.fspath).relative_to(root).parts
        if parts and parts[0] in TIERS:
            item.add_marker(parts[0])


@pytest.fixture(scope="session")
def infra():
    infra = Infra()
    yield infra
    infra.stop()


@pytest.fixture(scope="session")
def postgres_url(infra) -> str:
    """The administrative URL of a real PostgreSQL."""
    return infra.postgres()


@pytest.fixture(scope="session")
def broker_url(infra) -> str:
    """The URL of a real RabbitMQ; what the run declared on it is deleted when the run ends."""
    url = infra.rabbitmq()
    yield url
    _delete_the_runs_topology(url)


def _delete_the_runs_topology(url: str) -> None:
    """The run's queues and exchanges (their names start with its prefix) deleted: left behind, a
    quorum queue of every run keeps its own processes and log on the broker, and a few hundred of
    them wedged a two-core RabbitMQ (it took connections and never answered them). Listing needs
    the local rabbitmqctl; a broker elsewhere keeps what the run left."""
    rabbitmqctl = shutil.which("rabbitmqctl")
    if rabbitmqctl is None or urlsplit(url).hostname not in ("localhost", "127.0.0.1"):
        return
    prefix = f"birlikte.test.{RUN_ID}"
    found = {}
    for kind in ("queues", "exchanges"):
        listed = subprocess.run([rabbitmqctl, "-q", f"list_{kind}", "name"], capture_output=True, text=True, timeout=120)
        found[kind] = [name for name in listed.stdout.split() if name.startswith(prefix)]
    with pika_connection(url) as connection:
        channel = connection.channel()
        for name in found["queues"]:
            channel.queue_delete(name)
        for name in found["exchanges"]:
            channel.exchange_delete(name)


def keypair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture(scope="session")
def test_database(postgres_url):
    """A database of this run's own, dropped at the end: two runs never share rows."""
    name = f"birlikte_test_{RUN_ID}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield urlsplit(postgres_url)._replace(path="/" + name).geturl()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def signing_keys() -> tuple[str, str]:
    return keypair()


@pytest.fixture(scope="session")
def database_settings(test_database, signing_keys) -> Settings:
    """Settings for this run: its own database with every service migrated, its own exchange and
    queue names, signing keys; the broker a closed port (e2e names the real one)."""
    private, public = signing_keys
    settings = Settings(
        database_url=test_database,
        broker_url=CLOSED_BROKER,
        bus_exchange=f"birlikte.test.{RUN_ID}",
        bus_queue_prefix=f"birlikte.test.{RUN_ID}",
        bus_retry_delays=(0.2, 0.4),
        relay_poll_seconds=0.5,
        jwt_private_key=private,
        jwt_public_key=public,
        log_format="text",
        notifications_secret=f"test-secret-{RUN_ID}",
        registry_secret=f"registry-secret-{RUN_ID}",
        key_encryption_key=Fernet.generate_key().decode(),
        web_secret=f"web-secret-{RUN_ID}",
        token_limit=100_000,  # every test's client is 127.0.0.1; test_token_limits.py holds the limit itself
        web_client_secret=f"web-client-secret-{RUN_ID}",
        public_url="http://notifications.test",
    )
    for service in ALL:
        migrate(settings, service.name, service.migrations)
    return settings


@pytest.fixture(scope="session")
def tokens(signing_keys) -> Tokens:
    return Tokens(Settings(jwt_private_key=signing_keys[0], jwt_public_key=signing_keys[1]))


def pytest_report_header(config):
    return [f"birlikte test run {RUN_ID} (pid {os.getpid()})"]
