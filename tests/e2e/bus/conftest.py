"""A service of the tests' own ("bustest"), with a table its handlers write their effects to."""
from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from marshmallow import Schema, fields

from shared import contracts
from shared.bus import topology
from shared.bus.outbox import publish
from shared.db import open_pool
from shared.migrations import migrate
from tests.support.wire import Wire

SERVICE = "bustest"
SOURCE = "urn:birlikte:bustest"
KEY = "bustest.thing.happened"


class Thing(Schema):
    n = fields.Integer(required=True)
    poison = fields.Boolean()


contracts.register(KEY, Thing)  # the tests' own message type, with a contract like any other


@pytest.fixture(scope="session")
def bus_schema(settings):
    migrate(settings, SERVICE, Path(__file__).parent / "migrations")
    return settings


@pytest.fixture
def bus(bus_schema, unique_bus):
    """Settings with this test's own exchange and queues, over an emptied bustest schema."""
    with psycopg.connect(bus_schema.database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE bustest.outbox, bustest.inbox, bustest.effects")
    yield unique_bus
    topology.delete(unique_bus, SERVICE)


@pytest.fixture
def pool(bus):
    pool = open_pool(bus, SERVICE, min_size=1, max_size=8)
    yield pool
    pool.close()


@pytest.fixture
def wire(bus):
    wire = Wire(bus, binding="bustest.#")
    yield wire
    wire.close()


def write_messages(pool, count: int, type: str = KEY, **data) -> list[str]:
    """Commit `count` outbox rows, one transaction each, as a service handler would."""
    ids = []
    for n in range(count):
        with pool.connection() as conn, conn.transaction():
            ids.append(publish(conn, type, {"n": n, **data}, source=SOURCE, subject=str(n)))
    return ids


def effects(settings) -> list[tuple]:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute("SELECT message_id, value FROM bustest.effects ORDER BY id").fetchall()


def pending(settings) -> int:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute("SELECT count(*) FROM bustest.outbox WHERE published_at IS NULL").fetchone()[0]


class Running:
    """Run `target(stop)` in a thread for the length of a `with` block."""

    def __init__(self, target):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=target, args=(self.stop,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the loop did not stop when asked"


def record_effect(cur, message):
    cur.execute("INSERT INTO effects (message_id, value) VALUES (%s, %s)", (message.id, str(message.data.get("n"))))


SUBSCRIPTIONS = {KEY: [record_effect]}
