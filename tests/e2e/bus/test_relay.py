"""The outbox and its relay: nothing committed is lost, nothing is published twice."""
import time
from urllib.parse import urlsplit

import psycopg
import pytest

from shared.bus.outbox import publish
from shared.bus.relay import Relay
from tests.e2e.bus.conftest import SOURCE, Running, pending, write_messages
from tests.e2e.bus.proxy import Proxy


def test_outbox_row_commits_with_the_state_change_and_rolls_back_with_it(bus, pool):
    with pool.connection() as conn, conn.transaction():
        conn.execute("INSERT INTO effects (message_id, value) VALUES ('kept', 'x')")
        publish(conn, "bustest.thing.happened", {"n": 1}, source=SOURCE)
    with pytest.raises(RuntimeError), pool.connection() as conn, conn.transaction():
        conn.execute("INSERT INTO effects (message_id, value) VALUES ('lost', 'x')")
        publish(conn, "bustest.thing.happened", {"n": 2}, source=SOURCE)
        raise RuntimeError("the handler failed after writing")
    with psycopg.connect(bus.database_url) as conn:
        assert conn.execute("SELECT message_id FROM bustest.effects").fetchall() == [("kept",)]
        assert conn.execute("SELECT envelope->'data'->>'n' FROM bustest.outbox").fetchall() == [("1",)]


def test_relay_publishes_every_row_once_in_order_with_cloudevents_attributes(bus, pool, wire):
    ids = write_messages(pool, 300)
    assert Relay(bus, "bustest", pool).drain() == 300
    received = wire.receive(300, timeout=10)
    assert [envelope["id"] for _, _, envelope in received] == ids
    method, properties, envelope = received[0]
    assert {"id", "source", "type", "specversion", "time", "subject", "datacontenttype", "correlationid"} <= set(envelope)
    assert envelope["specversion"] == "1.0" and envelope["source"] == SOURCE
    assert method.routing_key == envelope["type"] == "bustest.thing.happened"
    assert properties.content_type == "application/cloudevents+json" and properties.delivery_mode == 2
    assert properties.message_id == envelope["id"] and properties.correlation_id == envelope["correlationid"]
    assert pending(bus) == 0
    assert wire.receive(1, timeout=0.5) == []  # and nothing more


def test_write_accepted_while_broker_down_is_published_later(bus, pool, wire):
    upstream = urlsplit(bus.broker_url)
    proxy = Proxy((upstream.hostname, upstream.port or 5672))  # not started: the broker is "down"
    via_proxy = bus.replace(broker_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}//")
    ids = write_messages(pool, 20)
    with Running(Relay(via_proxy, "bustest", pool).run):
        time.sleep(1.5)
        assert pending(bus) == 20 and wire.receive(1, timeout=0.2) == []
        with psycopg.connect(bus.database_url) as conn:
            assert conn.execute("SELECT count(*) FROM bustest.outbox WHERE last_error IS NOT NULL").fetchone()[0] == 20
        proxy.start()
        try:
            received = wire.receive(20, timeout=20)
        finally:
            proxy.stop()
    assert [envelope["id"] for _, _, envelope in received] == ids
    assert pending(bus) == 0
    assert wire.receive(1, timeout=0.5) == []


def test_two_relays_at_once_publish_each_row_once(bus, pool, wire):
    ids = write_messages(pool, 400)
    small_batches = bus.replace(relay_batch=25)
    with Running(Relay(small_batches, "bustest", pool).run), Running(Relay(small_batches, "bustest", pool).run):
        received = wire.receive(400, timeout=20)
        extra = wire.receive(1, timeout=1)
    got = [envelope["id"] for _, _, envelope in received]
    assert len(got) == 400 and set(got) == set(ids) and extra == []
    assert pending(bus) == 0


def test_relay_wakes_on_notify_faster_than_the_poll_interval(bus, pool, wire):
    slow_poll = bus.replace(relay_poll_seconds=30)
    with Running(Relay(slow_poll, "bustest", pool).run):
        time.sleep(0.5)  # the relay has done its first pass and is waiting
        started = time.monotonic()
        write_messages(pool, 1)
        received = wire.receive(1, timeout=5)
        elapsed = time.monotonic() - started
    assert len(received) == 1
    assert elapsed < 2, f"took {elapsed:.2f}s: the relay waited for its poll instead of the notification"
