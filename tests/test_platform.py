"""The whole chain over the real broker: the registry knows a person, events takes their
registration, notifications emails them — in their language — through a real SMTP server."""
from __future__ import annotations

import time

import pytest

from shared.bus import topology
from shared.cli.ops import declare_topology
from shared.db import open_pool
from services.events.app import create_app as events_app
from services.events.worker import create_worker as events_worker
from services.notifications.worker import create_worker as notifications_worker
from services.registry.app import create_app as registry_app
from services.registry.worker import create_worker as registry_worker
from tests.events.conftest import event_body
from tests.registry.conftest import organization_body, person_body
from tests.support.smtp import SmtpServer
from tests.support.tokens import Tokens


@pytest.fixture
def platform(unique_bus):
    smtp = SmtpServer().start()
    settings = unique_bus.replace(smtp_host="127.0.0.1", smtp_port=smtp.port)
    names = ("registry", "events", "notifications")
    pools = {name: open_pool(settings, name, min_size=1, max_size=4) for name in names}
    list(declare_topology(settings, names))
    workers = [registry_worker(settings, pools["registry"]).start(), events_worker(settings, pools["events"]).start(),
               notifications_worker(settings, pools["notifications"]).start()]
    yield settings, smtp, registry_app(settings, pool=pools["registry"]).test_client(), \
        events_app(settings, pool=pools["events"]).test_client()
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
    settings, smtp, registry, events = platform
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
