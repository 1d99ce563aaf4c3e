"""The whole chain over the real broker: the registry knows a person, events takes their
registration, notifications emails them — in their language — through a real SMTP server; and a
partner's system pushes its events and is told of every change by signed webhooks, the same
changes its feed serves."""
from __future__ import annotations

import json
import time
from collections import Counter
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from shared.bus import topology
from shared.cli.ops import declare_topology
from shared.db import open_pool
from services.events.app import create_app as events_app
from services.events.worker import create_worker as events_worker
from services.notifications.app import create_app as notifications_app
from services.notifications.worker import create_worker as notifications_worker
from services.registry.app import create_app as registry_app
from services.registry.worker import create_worker as registry_worker
from tests.support.events import event_body, soon
from tests.support.webhooks import Receiver
from tests.support.registry import organization_body, person_body
from tests.support.smtp import SmtpServer
from tests.support.tokens import Tokens


@pytest.fixture
def platform(unique_bus):
    smtp = SmtpServer().start()
    settings = unique_bus.replace(smtp_host="127.0.0.1", smtp_port=smtp.port, webhook_allow_private=True)
    names = ("registry", "events", "notifications")
    pools = {name: open_pool(settings, name, min_size=1, max_size=4) for name in names}
    list(declare_topology(settings, names))
    workers = [registry_worker(settings, pools["registry"]).start(), events_worker(settings, pools["events"]).start(),
               notifications_worker(settings, pools["notifications"]).start()]
    yield settings, smtp, registry_app(settings, pool=pools["registry"]).test_client(), \
        events_app(settings, pool=pools["events"]).test_client(), \
        notifications_app(settings, pool=pools["notifications"]).test_client()
    for worker in workers:
        worker.stop()
    for name in names[1:]:
        topology.delete(settings, name)
    for pool in pools.values():
        pool.close()
    smtp.stop()


def eventually(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("not in time")


def test_a_registration_in_events_becomes_an_email_in_the_persons_language(platform):
    settings, smtp, registry, events, _ = platform
    tokens = Tokens(settings)
    coordinator = tokens.coordinator()
    org = registry.post("/organizations", json=organization_body(), headers=coordinator).get_json()
    person = registry.post("/people", json=person_body(preferred_language="en", time_zone="Europe/Dublin"),
                           headers=coordinator).get_json()
    registry.post("/memberships", json={"organization_id": org["id"], "person_id": person["id"], "kind": "member"},
                  headers=coordinator)
    event = eventually(lambda: _created(events.post("/events", json=event_body(org["id"]), headers=coordinator)))
    signed_up = eventually(lambda: _created(events.post(
        f"/events/{event['id']}/registrations", json={"organization_id": org["id"]},
        headers=tokens.member_of(org["id"], subject=person["id"]))))
    assert signed_up["status"] == "registered"
    [mail] = eventually(lambda: smtp.mailbox.to(person["email"]))
    assert mail["Subject"] == "You are registered: Civil Space Discussions: Work Relations"
    assert "(Europe/Dublin)" in mail.get_body(("plain",)).get_content()


def _created(response):
    return response.get_json() if response.status_code == 201 else None


def test_a_partner_pushes_its_events_and_is_told_of_each_change_by_signed_webhooks(platform):
    settings, _, registry, events, notifications = platform
    tokens = Tokens(settings)
    wheel = registry.post("/organizations", json=organization_body(country="IE"), headers=tokens.coordinator()).get_json()
    partner = tokens.partner(wheel["id"], "events:read", "events:write", "notifications:webhooks")
    receiver = Receiver()
    try:
        subscription = eventually(lambda: _created(notifications.post("/webhooks", headers=partner, json={
            "organization_id": wheel["id"], "url": receiver.url, "event_types": ["events.event.*"]})))
        start = soon(24 * 14)

        def push(n: int, hours: int = 2):
            return events.put(f"/partners/{wheel['id']}/events/wheel-{n}", headers=partner, json=event_body(
                wheel["id"], kind="thematic_meeting", starts_at=(start + timedelta(days=n)).isoformat(),
                ends_at=(start + timedelta(days=n, hours=hours)).isoformat(), time_zone="Europe/Dublin"))

        eventually(lambda: push(0).status_code == 201)  # once events has its copy of the organization
        for n in range(20):
            assert push(n).status_code in (200, 201)
        for n in range(20):  # the partner's second pass: nothing changed, nothing sent
            assert push(n).status_code == 200
        assert push(3, hours=3).get_json()["status"] == "rescheduled"
        assert events.delete(f"/partners/{wheel['id']}/events/wheel-7", headers=partner).status_code == 200

        eventually(lambda: len(receiver.received) >= 22, timeout=30)
        time.sleep(1.5)  # anything more would be a duplicate or a change that did not happen
        verifier = Webhook(subscription["secret"])
        told = []
        for headers, body in receiver.received:
            told.append(verifier.verify(body, headers))  # raises on a bad signature or a stale timestamp
        assert len({headers["webhook-id"] for headers, _ in receiver.received}) == len(told) == 22
        by_id = {}
        for message in told:
            by_id.setdefault(message["data"]["external_id"], []).append(message["type"])
        assert by_id.pop("wheel-3") == ["events.event.scheduled", "events.event.rescheduled"]
        assert by_id.pop("wheel-7") == ["events.event.scheduled", "events.event.cancelled"]
        assert by_id == {f"wheel-{n}": ["events.event.scheduled"] for n in range(20) if n not in (3, 7)}

        # The feed serves the same changes.
        ours = {m["data"]["id"] for m in told}
        def feed_of_ours():  # once the feed has caught up (a long transaction anywhere delays it)
            found = Counter((c["type"], c["event_id"]) for c in _whole_feed(events, partner) if c["event_id"] in ours)
            return found if sum(found.values()) >= len(told) else None
        assert eventually(feed_of_ours) == Counter((m["type"], m["data"]["id"]) for m in told)
    finally:
        receiver.stop()


def _whole_feed(events, headers) -> list[dict]:
    changes, cursor = [], ""
    while True:
        page = events.get(f"/feed?limit=1000&cursor={cursor}", headers=headers).get_json()
        changes += page["items"]
        cursor = page["cursor"]
        if not page["more"]:
            return changes
