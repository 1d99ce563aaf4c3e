"""Every kind of message the events service publishes reaches an independent pika consumer."""
from __future__ import annotations

import threading

import pytest

from shared.bus.relay import Relay
from tests.support.events import soon
from tests.support.events import placement_body, propose
from tests.support.wire import Wire


@pytest.fixture
def wire(unique_bus, events_pool):
    wire = Wire(unique_bus, "events.#")
    stop = threading.Event()
    relay = Relay(unique_bus, "events", events_pool)
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    yield wire
    stop.set()
    thread.join(timeout=10)
    wire.close()


def test_a_program_lifecycle_is_seen_on_the_wire(client, tokens, community, create_event, wire):
    org, voter = community.organization(), community.organization()
    first, second = community.person(org), community.person(org)
    event = create_event(org, capacity=1, starts_at=soon(-1).isoformat(), ends_at=soon(2).isoformat())
    admin = tokens.admin_of(org)
    seat = client.post(f"/events/{event['id']}/registrations", json={}, headers=tokens.member_of(org, subject=first)).get_json()
    waiting = client.post(f"/events/{event['id']}/registrations", json={},
                          headers=tokens.member_of(org, subject=second)).get_json()
    client.post(f"/events/{event['id']}/registrations/{seat['id']}/cancel", headers=admin)
    client.post(f"/events/{event['id']}/attendance", json={"records": [{"person_id": second, "attended": True}]},
                headers=admin)
    client.patch(f"/events/{event['id']}", json={"capacity": 5}, headers={**admin, "If-Match": '"v1"'})
    client.patch(f"/events/{event['id']}", json={"ends_at": soon(3).isoformat()}, headers={**admin, "If-Match": '"v2"'})
    client.post(f"/events/{event['id']}/cancel", json={"reason": "test"}, headers={**admin, "If-Match": '"v3"'})
    topic = propose(client, tokens, org)
    client.post(f"/topics/{topic['id']}/votes", json={}, headers=tokens.member_of(voter))
    host = community.organization(country="NL")
    placement = client.post("/placements", json=placement_body(first, org, host), headers=admin).get_json()
    client.patch(f"/placements/{placement['id']}", json={"status": "confirmed"}, headers={**admin, "If-Match": '"v1"'})

    subjects = {event["id"], seat["id"], waiting["id"], topic["id"], placement["id"]}
    expected = {"events.event.scheduled", "events.event.updated", "events.event.rescheduled", "events.event.cancelled",
                "events.registration.created", "events.registration.cancelled", "events.registration.promoted",
                "events.registration.attended", "events.topic.proposed", "events.topic.voted",
                "events.placement.proposed", "events.placement.confirmed"}
    seen = wire.receive(13, accept=lambda envelope: envelope.get("subject") in subjects)
    assert {envelope["type"] for _, _, envelope in seen} == expected
    for method, properties, envelope in seen:
        assert method.routing_key == envelope["type"] and properties.message_id == envelope["id"]
        assert envelope["specversion"] == "1.0" and envelope["source"] == "urn:birlikte:events"
        assert envelope["datacontenttype"] == "application/json" and envelope["correlationid"]
