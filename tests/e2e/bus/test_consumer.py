"""Consumers: exactly-once effects, retries, dead letters and replay, over the real broker."""
import json
import subprocess
import sys
import threading
import time
import uuid

import pika

from shared.bus import topology
from shared.bus.consumer import Consumer
from shared.bus.deadletters import list_dead, replay
from shared.bus.envelope import make_envelope
from shared.bus.relay import Relay
from shared.db import open_pool
from shared.worker import Worker
from tests.e2e.bus.conftest import KEY, SERVICE, SOURCE, SUBSCRIPTIONS, Running, effects, record_effect, write_messages
from tests.support.environment import as_environment
from tests.support.wire import pika_connection

def send(settings, envelopes: list[dict]) -> None:
    """Publish with pika, as any other service would."""
    topology.declare(settings, SERVICE, [KEY])
    connection = pika_connection(settings.broker_url)
    channel = connection.channel()
    channel.confirm_delivery()
    for envelope in envelopes:
        channel.basic_publish(settings.bus_exchange, envelope["type"], json.dumps(envelope).encode(),
                              pika.BasicProperties(delivery_mode=2, content_type="application/cloudevents+json"))
    connection.close()


def envelope(n, **data):
    return make_envelope(KEY, {"n": n, **data}, source=SOURCE, subject=str(n))


def queue_depth(settings, queue) -> int:
    connection = pika_connection(settings.broker_url)
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


def wait_until(condition, timeout=10.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def test_redelivered_message_is_skipped_by_the_inbox(bus, pool):
    message = envelope(7)
    send(bus, [message, message])  # the same message id twice, as a redelivery would bring it
    handled = []
    consumer = Consumer(bus, SERVICE, pool, SUBSCRIPTIONS, after_commit=handled.append)
    with Running(consumer.run):
        assert wait_until(lambda: len(handled) == 2)
    assert effects(bus) == [(message["id"], "7")]


def test_consumer_killed_after_commit_before_ack_has_no_second_effect(bus, pool):
    message = envelope(1)
    send(bus, [message])
    child = subprocess.run([sys.executable, "-m", "tests.e2e.bus.die_after_commit"], env=as_environment(bus),
                           timeout=60, capture_output=True)
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    assert effects(bus) == [(message["id"], "1")]  # the handler ran and committed

    redelivered = []
    consumer = Consumer(bus, SERVICE, pool, SUBSCRIPTIONS, after_commit=redelivered.append)
    with Running(consumer.run):
        assert wait_until(lambda: len(redelivered) == 1), "the broker did not redeliver the unacked message"
        assert wait_until(lambda: queue_depth(bus, topology.queue_name(bus, SERVICE)) == 0)
    assert [e["id"] for e in redelivered] == [message["id"]]
    assert effects(bus) == [(message["id"], "1")]  # and had no second effect


def test_failing_message_goes_to_dead_letters_after_retries_while_others_flow(bus, pool):
    fixed = threading.Event()
    attempts = []

    def handler(cur, message):
        if message.data.get("poison") and not fixed.is_set():
            attempts.append(time.monotonic())
            raise ValueError("cannot digest this payload")
        record_effect(cur, message)

    poison = envelope(0, poison=True)
    good = [envelope(n) for n in range(1, 6)]
    started = time.monotonic()
    send(bus, [poison, *good])
    with Running(Consumer(bus, SERVICE, pool, {KEY: [handler]}).run):
        assert wait_until(lambda: len(effects(bus)) == 5, timeout=5)
        assert time.monotonic() - started < 2, "the good messages waited behind the poison"
        assert wait_until(lambda: len(list_dead(bus, SERVICE)) == 1, timeout=10)
        dead = list_dead(bus, SERVICE)
        assert dead[0]["id"] == poison["id"] and dead[0]["attempts"] == len(bus.bus_retry_delays)
        assert "cannot digest this payload" in dead[0]["error"]
        # One try per delivery (plus one inside the batch it first arrived in, which rolled back),
        # and each retry came only after its delay.
        assert len(attempts) - 1 - len(bus.bus_retry_delays) in (0, 1)
        gaps = [b - a for a, b in zip(attempts, attempts[1:])][-len(bus.bus_retry_delays):]
        assert all(gap >= delay * 0.9 for gap, delay in zip(gaps, bus.bus_retry_delays))
        assert len(list_dead(bus, SERVICE)) == 1  # listing did not consume it

        fixed.set()
        assert replay(bus, SERVICE, ids=[poison["id"]]) == 1
        assert wait_until(lambda: len(effects(bus)) == 6, timeout=5)
    assert list_dead(bus, SERVICE) == []
    assert sorted(v for _, v in effects(bus)) == ["0", "1", "2", "3", "4", "5"]


def test_invalid_envelope_goes_straight_to_dead_letters(bus, pool):
    topology.declare(bus, SERVICE, [KEY])
    connection = pika_connection(bus.broker_url)
    connection.channel().basic_publish(bus.bus_exchange, KEY, b"not json at all")
    connection.close()
    with Running(Consumer(bus, SERVICE, pool, SUBSCRIPTIONS).run):
        assert wait_until(lambda: len(list_dead(bus, SERVICE)) == 1)
    assert "invalid envelope" in list_dead(bus, SERVICE)[0]["error"]


def test_memory_transport_round_trip(bus):
    memory = bus.replace(broker_url="memory://", bus_exchange=f"mem.{uuid.uuid4().hex[:6]}")
    pool = open_pool(memory, SERVICE, min_size=1, max_size=4)
    handled = []
    worker = Worker(memory, SERVICE, pool, SUBSCRIPTIONS, after_commit=handled.append)
    try:
        worker.start()
        time.sleep(0.5)  # the consumer has declared its queue
        ids = write_messages(pool, 3)
        assert wait_until(lambda: len(handled) == 3, timeout=10)
    finally:
        worker.stop()
        pool.close()
    assert [e["id"] for e in handled] == ids
    assert [m for m, _ in effects(bus)] == ids


def test_relay_then_consumer_end_to_end(bus, pool):
    handled = []
    consumer = Consumer(bus, SERVICE, pool, SUBSCRIPTIONS, after_commit=handled.append)
    with Running(consumer.run), Running(Relay(bus, SERVICE, pool).run):
        time.sleep(0.5)
        ids = write_messages(pool, 50)
        assert wait_until(lambda: len(handled) == 50, timeout=10)
    assert [e["id"] for e in handled] == ids


def test_a_service_that_never_consumed_has_no_dead_letters(bus):
    assert list_dead(bus, "never-consumed") == []


def test_messages_arriving_together_are_handled_together_and_each_once(bus, pool):
    """A burst is handled in one transaction; the same message twice in it still has one effect."""
    burst = [envelope(n) for n in range(20)]
    commits = []
    send(bus, [*burst, burst[3], burst[7]])  # two redelivered copies inside the burst
    with Running(Consumer(bus, SERVICE, pool, SUBSCRIPTIONS, after_commit=commits.append).run):
        assert wait_until(lambda: len(commits) == 22)
        assert wait_until(lambda: queue_depth(bus, topology.queue_name(bus, SERVICE)) == 0)
    assert sorted(int(v) for _, v in effects(bus)) == list(range(20))
