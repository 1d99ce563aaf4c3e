"""Partner webhooks: rights, URL safety, Standard Webhooks signatures, no duplicates, retries with
growing gaps, disabling after a run of failures, the delivery log and redelivery."""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook

from services.notifications import webhooks
from services.notifications.app import create_app
from tests.notifications.conftest import Bus
from tests.support.smtp import free_port

PROBLEM = "application/problem+json"


class Receiver:
    """A partner's endpoint on localhost: records what arrives; can fail the first N requests."""

    def __init__(self, fail_first: int = 0, status: int = 500):
        self.received, self.times, self.fail_first, self.status = [], [], fail_first, status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.times.append(time.monotonic())
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(receiver.status)
                    self.end_headers()
                    return
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/birlikte"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def hooks(mail_settings, notifications_pool):
    """An app, a bus and settings that allow localhost receivers and retry quickly."""
    settings = mail_settings.replace(webhook_allow_private=True, webhook_retry_delays=(0.1, 0.3, 0.6),
                                     webhook_max_failures=6)
    app = create_app(settings, pool=notifications_pool)
    app.config["TESTING"] = True
    return settings, app.test_client(), Bus(settings, notifications_pool)


@pytest.fixture
def receiver():
    made = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]
    yield make
    for r in made:
        r.stop()


def subscribe(client, tokens, org, url, types=("events.event.*",)):
    response = client.post("/webhooks", json={"organization_id": org, "url": url, "event_types": list(types)},
                           headers=tokens.admin_of(org))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliver_until(pool, settings, check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        webhooks.deliver_due(pool, settings)
        if check():
            return True
        time.sleep(0.05)
    return False


def test_who_may_subscribe(hooks, tokens, receiver):
    settings, client, _ = hooks
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"organization_id": org, "url": receiver().url, "event_types": ["events.event.*"]}
    assert client.post("/webhooks", json=body).status_code == 401
    assert client.post("/webhooks", json=body, headers=tokens.member_of(org)).status_code == 403
    assert client.post("/webhooks", json=body, headers=tokens.admin_of(other)).status_code == 403
    assert client.post("/webhooks", json=body, headers=tokens.partner(org, "events:read")).status_code == 403
    made = client.post("/webhooks", json=body, headers=tokens.partner(org, "notifications:webhooks"))
    assert made.status_code == 201 and made.get_json()["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"/webhooks/{made.get_json()['id']}", headers=tokens.admin_of(org)).get_json()


def test_private_and_loopback_urls_are_refused_unless_allowed(client, tokens):
    org = str(uuid.uuid4())
    for url in ("http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://localhost/x", "http://169.254.169.254/latest",
                "ftp://example.org/x"):
        response = client.post("/webhooks", json={"organization_id": org, "url": url, "event_types": ["events.event.*"]},
                               headers=tokens.admin_of(org))
        assert response.status_code == 422 and "url" in response.get_json()["errors"], url


def test_a_signed_delivery_arrives_once_even_when_the_message_comes_twice(hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, partner = str(uuid.uuid4()), receiver()
    subscription = subscribe(client, tokens, org, partner.url)
    event = bus.event(organizer_ids=[org])
    envelope = {"specversion": "1.0", "id": f"msg-{uuid.uuid4()}", "source": "urn:birlikte:events",
                "type": "events.event.updated", "time": "2027-01-01T10:00:00Z", "data": {**event, "version": 2}}
    bus.deliver("events.event.updated", envelope["data"], envelope=envelope)
    bus.deliver("events.event.updated", envelope["data"], envelope=envelope)  # redelivered
    assert deliver_until(notifications_pool, settings, lambda: len(partner.received) >= 2)
    time.sleep(0.3)
    webhooks.deliver_due(notifications_pool, settings)
    assert len(partner.received) == 2  # scheduled and updated; the duplicate made nothing
    # Webhooks promise no order (retries reorder them anyway): find ours by its webhook-id.
    [(headers, body)] = [(h, b) for h, b in partner.received if h["webhook-id"] == envelope["id"]]
    payload = Webhook(subscription["secret"]).verify(body, headers)  # the Standard Webhooks reference check
    assert payload["type"] == "events.event.updated" and payload["data"]["id"] == event["id"]
    with pytest.raises(Exception):
        Webhook(webhooks.new_secret()).verify(body, headers)


def test_registrations_reach_the_organizers_subscription(hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, partner = str(uuid.uuid4()), receiver()
    subscribe(client, tokens, org, partner.url, ("events.registration.*",))
    event = bus.event(organizer_ids=[org])
    bus.registration(event, bus.person())
    assert deliver_until(notifications_pool, settings, lambda: partner.received)
    assert json.loads(partner.received[0][1])["type"] == "events.registration.created"


def test_a_failing_receiver_is_retried_with_growing_gaps_then_delivered(hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, partner = str(uuid.uuid4()), receiver(fail_first=2)
    subscription = subscribe(client, tokens, org, partner.url)
    bus.event(organizer_ids=[org])
    assert deliver_until(notifications_pool, settings, lambda: partner.received, timeout=15)
    gaps = [b - a for a, b in zip(partner.times, partner.times[1:])]
    assert len(partner.times) == 3 and gaps[1] > gaps[0]
    log = client.get(f"/webhooks/{subscription['id']}/deliveries", headers=tokens.admin_of(org)).get_json()["items"]
    [delivery] = log
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3
    detail = client.get(f"/webhooks/{subscription['id']}/deliveries/{delivery['id']}", headers=tokens.admin_of(org))
    assert [a["status_code"] for a in detail.get_json()["attempt_log"]] == [500, 500, 204]
    other = client.get(f"/webhooks/{subscription['id']}/deliveries", headers=tokens.admin_of(str(uuid.uuid4())))
    assert other.status_code == 403


def test_an_always_failing_receiver_fails_the_delivery_and_disables_the_subscription(
        hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    settings = settings.replace(webhook_max_failures=8)  # two deliveries × four attempts each
    org, partner = str(uuid.uuid4()), receiver(fail_first=1000)
    subscription = subscribe(client, tokens, org, partner.url)
    for _ in range(2):
        bus.event(organizer_ids=[org])

    def state():
        return client.get(f"/webhooks/{subscription['id']}", headers=tokens.admin_of(org)).get_json()
    assert deliver_until(notifications_pool, settings, lambda: state()["status"] == "disabled", timeout=20)
    assert "failed in a row" in state()["disabled_reason"] and state()["consecutive_failures"] >= 8
    log = client.get(f"/webhooks/{subscription['id']}/deliveries", headers=tokens.admin_of(org)).get_json()["items"]
    assert "failed" in {d["status"] for d in log}
    failed = next(d for d in log if d["status"] == "failed")
    url = f"/webhooks/{subscription['id']}/deliveries/{failed['id']}/redeliver"
    assert client.post(url, headers=tokens.admin_of(org)).status_code == 409  # disabled: re-enable first
    current = client.get(f"/webhooks/{subscription['id']}", headers=tokens.admin_of(org))
    enabled = client.patch(f"/webhooks/{subscription['id']}", json={"status": "active"},
                           headers={**tokens.admin_of(org), "If-Match": current.headers["ETag"]})
    assert enabled.status_code == 200 and enabled.get_json()["consecutive_failures"] == 0
    partner.fail_first = 0
    assert client.post(url, headers=tokens.admin_of(org)).status_code == 202
    assert deliver_until(notifications_pool, settings, lambda: partner.received)
