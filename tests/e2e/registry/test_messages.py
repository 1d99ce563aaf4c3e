"""Every registry change reaches the bus as a CloudEvent, seen by an independent pika client."""
import json
import threading
import time
import uuid


import pytest

from shared.bus.relay import Relay
from tests.support.registry import organization_body
from tests.support.wire import pika_connection


@pytest.fixture
def wire(unique_bus):
    """An exclusive queue, bound with pika to the test's exchange: what really went out."""
    connection = pika_connection(unique_bus.broker_url)
    channel = connection.channel()
    channel.exchange_declare(unique_bus.bus_exchange, exchange_type="topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, unique_bus.bus_exchange, routing_key="registry.#")

    def receive(subjects: set[str], count: int, timeout: float = 10) -> list:
        seen, deadline = [], time.monotonic() + timeout
        while len(seen) < count and time.monotonic() < deadline:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                connection.sleep(0.05)
                continue
            envelope = json.loads(body)
            if envelope.get("subject") in subjects:
                seen.append((method, properties, envelope))
        return seen

    yield receive
    channel.exchange_delete(unique_bus.bus_exchange)
    connection.close()


@pytest.fixture
def relay(unique_bus, registry_pool):
    stop = threading.Event()
    relay = Relay(unique_bus, "registry", registry_pool)
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    yield relay
    stop.set()
    thread.join(timeout=10)


def test_each_change_is_published_with_cloudevents_attributes_and_the_request_correlation_id(
        client, tokens, wire, relay):
    correlation = f"test-{uuid.uuid4().hex}"
    headers = {**tokens.coordinator(), "X-Correlation-ID": correlation}
    org = client.post("/organizations", json=organization_body(), headers=headers).get_json()
    client.patch(f"/organizations/{org['id']}", json={"city": "Hatay"}, headers={**headers, "If-Match": '"v1"'})
    client.post(f"/organizations/{org['id']}/deactivate", headers={**headers, "If-Match": '"v2"'})

    messages = wire({org["id"]}, 3)
    assert [m[0].routing_key for m in messages] == [
        "registry.organization.created", "registry.organization.updated", "registry.organization.deactivated"]
    for method, properties, envelope in messages:
        assert envelope["specversion"] == "1.0" and envelope["source"] == "urn:birlikte:registry"
        assert envelope["type"] == method.routing_key and envelope["subject"] == org["id"]
        assert envelope["id"] and envelope["time"] and envelope["datacontenttype"] == "application/json"
        assert envelope["correlationid"] == correlation
        assert properties.delivery_mode == 2
    assert messages[1][2]["data"]["city"] == "Hatay" and messages[2][2]["data"]["status"] == "inactive"
    assert len({m[2]["id"] for m in messages}) == 3
