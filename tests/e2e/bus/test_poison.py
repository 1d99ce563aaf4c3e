"""Messages that cannot be read — not UTF-8, broken JSON sent as JSON, an unknown content type or
encoding, JSON nested 100,000 deep — each go to the dead letters at once with the reason, while the
consumer stays attached and the messages behind them are handled (issue 14: one such message used
to stop the consumers of three services, reconnecting forever)."""
import json
import zlib

import pika
import pytest

from shared.bus import topology
from shared.bus.consumer import Consumer
from shared.bus.deadletters import list_dead
from tests.e2e.bus.conftest import KEY, SERVICE, SUBSCRIPTIONS, Running, effects
from tests.e2e.bus.test_consumer import envelope, queue_depth, wait_until
from tests.support.wire import pika_connection

CLOUDEVENTS = "application/cloudevents+json"
POISON = {
    "not UTF-8": (b"\xff\xfe\xfa" + json.dumps({"id": "x"}).encode("utf-16-le"), CLOUDEVENTS, None),
    "broken JSON sent as JSON": (b'{"specversion": "1.0", "id": ', "application/json", None),
    "an unknown content type": (b"<message>hello</message>", "application/xml", None),
    "an unknown content encoding": (zlib.compress(b'{"specversion": "1.0"}'), CLOUDEVENTS, "x-unheard-of"),
    "an array nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, CLOUDEVENTS, None),
}


def send_raw(settings, body: bytes, content_type: str, content_encoding: str | None) -> None:
    connection = pika_connection(settings.broker_url)
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish(settings.bus_exchange, KEY, body, pika.BasicProperties(
        delivery_mode=2, content_type=content_type, content_encoding=content_encoding))
    connection.close()


def consumers_of(settings) -> int:
    connection = pika_connection(settings.broker_url)
    try:
        return connection.channel().queue_declare(topology.queue_name(settings, SERVICE), passive=True
                                                  ).method.consumer_count
    finally:
        connection.close()


@pytest.mark.parametrize("kind", POISON)
def test_an_unreadable_message_is_parked_at_once_and_the_next_one_is_handled(bus, pool, kind):
    topology.declare(bus, SERVICE, [KEY])
    send_raw(bus, *POISON[kind])
    good = envelope(1)
    send_raw(bus, json.dumps(good).encode(), CLOUDEVENTS, None)
    consumer = Consumer(bus, SERVICE, pool, SUBSCRIPTIONS)
    with Running(consumer.run):
        assert wait_until(lambda: effects(bus) == [(good["id"], "1")], timeout=15), "the message behind it waits"
        assert wait_until(lambda: queue_depth(bus, topology.queue_name(bus, SERVICE)) == 0)
        assert consumers_of(bus) == 1  # still attached: it never took the message for a lost connection
        assert consumer.problem() is None
    [dead] = list_dead(bus, SERVICE)
    assert dead["attempts"] == 0 and dead["error"]  # parked at once, with its reason
    assert dead["id"]  # an id to replay it by, even without an envelope


def test_a_worker_whose_consumer_cannot_consume_says_so_on_its_health_port(bus, pool):
    import requests

    from shared.worker import Worker
    from tests.support.smtp import free_port
    port = free_port()
    broken = bus.replace(broker_url="amqp://guest:guest@127.0.0.1:9//", worker_health_port=port)
    worker = Worker(broken, SERVICE, pool, SUBSCRIPTIONS).start()
    try:
        answer = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert answer.status_code == 503 and answer.headers["Content-Type"] == "application/problem+json"
        assert "not consuming" in answer.json()["detail"]
    finally:
        worker.stop()
    port = free_port()
    worker = Worker(bus.replace(worker_health_port=port), SERVICE, pool, SUBSCRIPTIONS).start()
    try:
        assert wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200)
    finally:
        worker.stop()
