"""`birlikte deadletters`: what an operator sees and replays, checked on the wire with pika."""
from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import pika

from shared.bus import topology
from tests.e2e.cli.conftest import env_for


def _pika(settings):
    parts = urlsplit(settings.broker_url)
    credentials = pika.PlainCredentials(parts.username or "guest", parts.password or "guest")
    return pika.BlockingConnection(pika.ConnectionParameters(parts.hostname, parts.port or 5672, "/", credentials))


def _park(channel, settings, envelope: dict, error: str) -> None:
    channel.basic_publish("", topology.dead_queue_name(settings, "registry"), json.dumps(envelope).encode(),
                          pika.BasicProperties(content_type="application/cloudevents+json", delivery_mode=2,
                                               headers={"x-birlikte-error": error}))


def _depth(channel, queue: str) -> int:
    return channel.queue_declare(queue, passive=True).method.message_count


def test_dead_letters_are_listed_with_their_error_and_replayed_by_id(run_cli, unique_bus):
    settings = unique_bus
    topology.declare(settings, "registry", [])
    env = env_for(settings)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    try:
        with _pika(settings) as connection:
            channel = connection.channel()
            _park(channel, settings, {"id": first, "type": "registry.organization.created", "data": {}}, "boom: 1")
            _park(channel, settings, {"id": second, "type": "registry.person.created", "data": {}}, "boom: 2")

        listed = run_cli(["deadletters", "list", "registry", "--json"], env)
        assert listed.returncode == 0, listed.stderr
        rows = {row["id"]: row for row in map(json.loads, listed.stdout.splitlines())}
        assert set(rows) == {first, second}
        assert rows[first]["error"] == "boom: 1" and rows[first]["type"] == "registry.organization.created"

        replayed = run_cli(["deadletters", "replay", "registry", "--id", first], env)
        assert replayed.returncode == 0, replayed.stderr
        assert "replayed 1 message(s) to registry" in replayed.stdout
        with _pika(settings) as connection:
            channel = connection.channel()
            assert _depth(channel, topology.queue_name(settings, "registry")) == 1
            assert _depth(channel, topology.dead_queue_name(settings, "registry")) == 1
            method, _, body = channel.basic_get(topology.queue_name(settings, "registry"), auto_ack=True)
            assert json.loads(body)["id"] == first
    finally:
        topology.delete(settings, "registry")
