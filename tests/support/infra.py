"""Finding the real PostgreSQL and RabbitMQ the tests run against.

Order: the servers named by BIRLIKTE_TEST_DATABASE_URL / BIRLIKTE_TEST_BROKER_URL (or the
defaults on localhost); where one is not reachable and a Docker engine is, a testcontainers
container; otherwise the run stops with a message that says how to start them. Never skipped.
"""
from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import psycopg

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
    """The admin database URL and broker URL for this run, plus any containers it started."""

    def __init__(self):
        self.containers = []
        self.database_url = os.environ.get("BIRLIKTE_TEST_DATABASE_URL", DEFAULT_DB)
        self.broker_url = os.environ.get("BIRLIKTE_TEST_BROKER_URL", DEFAULT_BROKER)

    def resolve(self) -> str | None:
        """Return None when both servers answer, else the message to stop the run with."""
        db_error = postgres_error(self.database_url)
        mq_error = broker_error(self.broker_url)
        if (db_error or mq_error) and docker_available():
            if db_error:
                self.database_url, db_error = self._postgres_container(), None
            if mq_error:
                self.broker_url, mq_error = self._rabbitmq_container(), None
        if db_error:
            return HOW_TO_START.format(what="PostgreSQL", where=self.database_url, error=db_error)
        if mq_error:
            return HOW_TO_START.format(what="RabbitMQ", where=self.broker_url, error=mq_error)
        return None

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
