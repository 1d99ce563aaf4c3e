"""Across the real bus: the registry's messages change what events accepts, and every events
message reaches an independent pika consumer as a CloudEvent carrying the request's correlation id."""
from __future__ import annotations

import time
import uuid

import pytest

from shared.bus import topology
from shared.cli.ops import declare_topology
from shared.db import open_pool
from services.events.app import create_app as events_app
from services.events.worker import create_worker as events_worker
from services.registry.app import create_app as registry_app
from services.registry.worker import create_worker as registry_worker
from tests.support.events import event_body
from tests.support.registry import organization_body, person_body
from tests.support.wire import Wire


@pytest.fixture
def platform(unique_bus, app):
    """The registry's API and worker, the events worker, on a bus of this test's own; events' API."""
    pools = [open_pool(unique_bus, "registry", min_size=1, max_size=4), open_pool(unique_bus, "events", min_size=1, max_size=4)]
    registry = registry_app(unique_bus, pool=pools[0]).test_client()
    events = events_app(unique_bus, pool=pools[1]).test_client()
    wire = Wire(unique_bus, "events.#")
    list(declare_topology(unique_bus, ["events"]))  # as `birlikte migrate` does before workers start
    workers = [registry_worker(unique_bus, pools[0]).start(), events_worker(unique_bus, pools[1]).start()]
    yield registry, events, wire
    for worker in workers:
        worker.stop()
    wire.close()
    topology.delete(unique_bus, "events")
    for pool in pools:
        pool.close()


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


def copied(events_pool, table: str, row_id: str, status: str):
    def check():
        with events_pool.connection() as conn:
            row = conn.execute(f"SELECT status FROM {table} WHERE id = %s", (row_id,)).fetchone()  # noqa: S608 (fixed names)
        return row is not None and row["status"] == status
    return check


def test_registry_messages_change_what_events_accepts(platform, tokens, events_pool):
    registry, events, wire = platform
    coordinator = tokens.coordinator()
    org = registry.post("/organizations", json=organization_body(), headers=coordinator).get_json()
    person = registry.post("/people", json=person_body(), headers=coordinator).get_json()
    registry.post("/memberships", json={"organization_id": org["id"], "person_id": person["id"], "kind": "member"},
                  headers=coordinator)
    eventually(copied(events_pool, "organizations", org["id"], "active"))
    eventually(copied(events_pool, "people", person["id"], "active"))
    eventually(lambda: _membership_copied(events_pool, person["id"], org["id"]))

    correlation = f"corr-{uuid.uuid4().hex}"
    event = events.post("/events", json=event_body(org["id"], capacity=5),
                        headers={**coordinator, "X-Correlation-ID": correlation})
    assert event.status_code == 201, event.get_json()
    event = event.get_json()
    signed_up = events.post(f"/events/{event['id']}/registrations", json={"organization_id": org["id"]},
                            headers={**tokens.member_of(org["id"], subject=person["id"]), "X-Correlation-ID": correlation})
    assert signed_up.status_code == 201, signed_up.get_json()

    seen = wire.receive(2, accept=lambda e: e.get("correlationid") == correlation)
    assert [envelope["type"] for _, _, envelope in seen] == ["events.event.scheduled", "events.registration.created"]
    for method, properties, envelope in seen:
        assert method.routing_key == envelope["type"]
        assert envelope["specversion"] == "1.0" and envelope["source"] == "urn:birlikte:events"
        assert envelope["id"] and envelope["time"] and envelope["subject"]
    assert seen[1][2]["data"]["person_id"] == person["id"] and seen[1][2]["data"]["status"] == "registered"

    # The registry deactivates the organization: events learns it from the bus and refuses it.
    registry.post(f"/organizations/{org['id']}/deactivate", headers={**coordinator, "If-Match": '"v1"'})
    eventually(copied(events_pool, "organizations", org["id"], "inactive"))
    refused = events.post("/events", json=event_body(org["id"]), headers=coordinator)
    assert refused.status_code == 409 and refused.get_json()["title"] == "Organization is not active"
    other = events.post("/events", json=event_body(_active_org(registry, coordinator, events_pool)),
                        headers=coordinator).get_json()
    late = events.post(f"/events/{other['id']}/registrations", json={"organization_id": org["id"]},
                       headers=tokens.member_of(org["id"], subject=person["id"]))
    assert late.status_code == 409 and late.get_json()["title"] == "Organization is not active"


def _membership_copied(events_pool, person_id, org_id) -> bool:
    with events_pool.connection() as conn:
        return conn.execute("SELECT 1 FROM memberships WHERE person_id = %s AND organization_id = %s AND status = 'active'",
                            (person_id, org_id)).fetchone() is not None


def _active_org(registry, coordinator, events_pool) -> str:
    org = registry.post("/organizations", json=organization_body(), headers=coordinator).get_json()
    eventually(copied(events_pool, "organizations", org["id"], "active"))
    return org["id"]


def test_a_late_older_message_never_overwrites_a_newer_copy(community, events_pool):
    org = community.organization(version=3, status="inactive")
    community.organization(id=org, version=2, status="active")  # an older message, redelivered late
    with events_pool.connection() as conn:
        row = conn.execute("SELECT status, version FROM organizations WHERE id = %s", (org,)).fetchone()
    assert (row["status"], row["version"]) == ("inactive", 3)
