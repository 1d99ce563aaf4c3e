"""Finding the real PostgreSQL and RabbitMQ the tests run against.

Each is looked for only when a test needs it. Order: the server named by
BIRLIKTE_TEST_DATABASE_URL / BIRLIKTE_TEST_BROKER_URL (or the default on localhost); where it is
not reachable and a Docker engine is, a testcontainers container; otherwise the run stops with a
message that says how to start it. Never skipped.
"""
from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import psycopg
import pytest

DEFAULT_DB = "postgresql://postgres@localhost:5432/postgres"
DEFAULT_BROKER = "amqp://guest:guest@localhost:5672//"

HOW_TO_START = """\
{what} is not reachable at {where}: {error}
The tests need a real PostgreSQL and a real RabbitMQ. Either
  - run ./scripts/test, which starts both when they are installed but stopped, or start them yourself:
      pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
      rabbitmq-server -detached
  - point the tests at running servers:
      BIRLIKTE_TEST_DATABASE_URL=postgresql://user@host:5432/postgres
      BIRLIKTE_TEST_BROKER_URL=amqp://user:password@host:5672//
  - or run a Docker engine: the tests then start both with testcontainers."""


def postgres_error(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def broker_error(url: str) -> str | None:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "localhost", parts.port or 5672), timeout=3) as sock:
            sock.sendall(b"AMQP\x00\x00\x09\x01")
            if not sock.recv(8):
                return "the server closed the connection"
        return None
    except OSError as exc:
        return str(exc)


def docker_available() -> bool:
    try:
        import docker
        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


class Infra:
    """The admin database URL and broker URL for this run, each found when first asked for
    (a unit run asks for neither), plus any containers started for them."""

    def __init__(self):
        self.containers = []
        self._database_url: str | None = None
        self._broker_url: str | None = None

    @property
    def database_url(self) -> str:
        return self.postgres()

    @property
    def broker_url(self) -> str:
        return self.rabbitmq()

    def postgres(self) -> str:
        if self._database_url is None:
            url = os.environ.get("BIRLIKTE_TEST_DATABASE_URL", DEFAULT_DB)
            error = postgres_error(url)
            if error and docker_available():
                url, error = self._postgres_container(), None
            if error:
                pytest.exit(HOW_TO_START.format(what="PostgreSQL", where=url, error=error), returncode=3)
            self._database_url = url
        return self._database_url

    def rabbitmq(self) -> str:
        if self._broker_url is None:
            url = os.environ.get("BIRLIKTE_TEST_BROKER_URL", DEFAULT_BROKER)
            error = broker_error(url)
            if error and docker_available():
                url, error = self._rabbitmq_container(), None
            if error:
                pytest.exit(HOW_TO_START.format(what="RabbitMQ", where=url, error=error), returncode=3)
            self._broker_url = url
        return self._broker_url

    def _postgres_container(self) -> str:
        from testcontainers.postgres import PostgresContainer
        container = PostgresContainer("postgres:15", driver=None).start()
        self.containers.append(container)
        return container.get_connection_url()

    def _rabbitmq_container(self) -> str:
        from testcontainers.rabbitmq import RabbitMqContainer
        container = RabbitMqContainer("rabbitmq:3.13").start()
        self.containers.append(container)
        host, port = container.get_container_host_ip(), container.get_exposed_port(5672)
        return f"amqp://guest:guest@{host}:{port}//"

    def stop(self) -> None:
        for container in self.containers:
            container.stop()
