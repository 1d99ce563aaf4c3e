"""Partner webhooks against the real database and a real HTTP receiver on 127.0.0.1: rights, URL
safety (at subscription and at delivery), Standard Webhooks signatures, which organizations a
message reaches, no duplicates, retries with growing gaps, failure and disabling, leases, the
delivery log and redelivery."""
from __future__ import annotations

import base64
import threading
import time
import uuid

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shared import leases
from shared.bus.envelope import make_envelope, read_message
from services.notifications import signing
from services.notifications.app import create_app
from services.notifications.operations import deliveries
from tests.support.messages import Deliveries
from tests.support.webhooks import Receiver

PROBLEM = "application/problem+json"
DELAYS = (0.1, 0.3, 0.6)  # far enough apart that jitter (×0.8–1.2) and polling cannot blur the growth


@pytest.fixture
def hooks(mail_settings, notifications_pool):
    """Settings that allow a localhost receiver and retry quickly, with an app and a bus of their own."""
    settings = mail_settings.replace(webhook_allow_private=True, webhook_retry_delays=DELAYS,
                                     webhook_max_failures=50, webhook_timeout_seconds=5.0)
    app = create_app(settings, pool=notifications_pool)
    app.config["TESTING"] = True
    return settings, app.test_client(), Deliveries(settings, "notifications", notifications_pool)


@pytest.fixture
def receiver(notifications_pool):
    made = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]
    yield make
    for r in made:
        r.stop()
        with notifications_pool.connection() as conn:  # nothing of this test is delivered in another
            conn.execute("UPDATE webhook_subscriptions SET status = 'disabled' WHERE url = %s", (r.url,))


def subscribe(client, tokens, org, url, types=("events.event.*",), headers=None) -> dict:
    response = client.post("/webhooks", json={"organization_id": org, "url": url, "event_types": list(types)},
                           headers=headers or tokens.admin_of(org))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def deliver_until(pool, settings, check, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliveries.deliver_due(pool, settings)
        if check():
            return True
        time.sleep(0.02)
    return False


def deliveries_of(pool, subscription_id) -> list[dict]:
    with pool.connection() as conn:
        return conn.execute("SELECT * FROM webhook_deliveries WHERE subscription_id = %s ORDER BY created_at, id",
                            (subscription_id,)).fetchall()


def subscription_row(pool, subscription_id) -> dict:
    with pool.connection() as conn:
        return conn.execute("SELECT * FROM webhook_subscriptions WHERE id = %s", (subscription_id,)).fetchone()


def announced(pool, delivery_id) -> list[dict]:
    with pool.connection() as conn:
        return [r["envelope"] for r in conn.execute(
            "SELECT envelope FROM outbox WHERE envelope->>'subject' = %s ORDER BY id", (str(delivery_id),))]


def test_who_may_subscribe_and_see_subscriptions(hooks, tokens, receiver):
    _, client, _ = hooks
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    body = {"organization_id": org, "url": receiver().url, "event_types": ["events.event.*"]}
    assert client.post("/webhooks", json=body).status_code == 401
    assert client.post("/webhooks", json=body, headers=tokens.member_of(org)).status_code == 403
    assert client.post("/webhooks", json=body, headers=tokens.admin_of(other)).status_code == 403
    assert client.post("/webhooks", json=body, headers=tokens.partner(org, "events:read")).status_code == 403
    assert client.post("/webhooks", json=body, headers=tokens.partner(other, "notifications:webhooks")).status_code == 403
    refused = client.post("/webhooks", json={**body, "event_types": ["archive.item.*"]}, headers=tokens.admin_of(org))
    assert refused.status_code == 422 and refused.content_type == PROBLEM
    assert client.post("/webhooks", json=body, headers=tokens.coordinator()).status_code == 201
    made = client.post("/webhooks", json=body, headers=tokens.partner(org, "notifications:webhooks"))
    assert made.status_code == 201 and made.headers["Location"].endswith(f"/webhooks/{made.get_json()['id']}")
    secret = made.get_json()["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    shown = client.get(f"/webhooks/{made.get_json()['id']}", headers=tokens.admin_of(org))
    assert shown.status_code == 200 and "secret" not in shown.get_json() and shown.headers["ETag"] == '"v1"'
    assert client.get(f"/webhooks/{made.get_json()['id']}", headers=tokens.admin_of(other)).status_code == 403
    listed = client.get("/webhooks", headers=tokens.partner(org, "notifications:webhooks")).get_json()["items"]
    assert len(listed) == 2 and {s["organization_id"] for s in listed} == {org}
    assert all("secret" not in s for s in listed)
    assert client.get("/webhooks", headers=tokens.admin_of(other)).get_json()["items"] == []
    assert client.get("/webhooks", headers=tokens.partner(org, "events:read")).status_code == 403


def test_private_loopback_and_non_http_urls_are_refused_unless_allowed(client, tokens, hooks, receiver):
    org = str(uuid.uuid4())
    for url in ("http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://localhost/x", "http://169.254.169.254/latest",
                "http://[::1]/x", "http://[::ffff:10.0.0.1]/x", "http://0.0.0.0/x", "ftp://example.org/x"):
        response = client.post("/webhooks", json={"organization_id": org, "url": url, "event_types": ["events.event.*"]},
                               headers=tokens.admin_of(org))
        assert response.status_code == 422 and response.content_type == PROBLEM, url
        assert "url" in response.get_json()["errors"], url
    # a subscription made where it was allowed cannot be moved to an internal address where it is not
    _, allowing, _ = hooks
    made = subscribe(allowing, tokens, org, receiver().url)
    etag = client.get(f"/webhooks/{made['id']}", headers=tokens.admin_of(org)).headers["ETag"]
    moved = client.patch(f"/webhooks/{made['id']}", json={"url": "http://192.168.1.1/x"},
                         headers={**tokens.admin_of(org), "If-Match": etag})
    assert moved.status_code == 422 and "url" in moved.get_json()["errors"]


def test_the_address_is_checked_again_at_delivery(hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, partner = str(uuid.uuid4()), receiver()
    subscription = subscribe(client, tokens, org, partner.url)  # allowed then …
    bus.event(organizer_ids=[org])
    deliveries.deliver_due(notifications_pool, settings.replace(webhook_allow_private=False))  # … not any more
    [delivery] = deliveries_of(notifications_pool, subscription["id"])
    assert partner.times == [] and delivery["status"] == "pending" and "internal address" in delivery["last_error"]
    detail = client.get(f"/webhooks/{subscription['id']}/deliveries/{delivery['id']}", headers=tokens.admin_of(org))
    [attempt] = detail.get_json()["attempt_log"]
    assert attempt["status_code"] is None and "127.0.0.1" in attempt["error"]


def test_a_signed_delivery_arrives_once_even_when_the_message_comes_twice(hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, partner = str(uuid.uuid4()), receiver()
    subscription = subscribe(client, tokens, org, partner.url)
    event = {**bus.event(organizer_ids=[org]), "version": 2, "status": "scheduled"}
    envelope = {"specversion": "1.0", "id": f"msg-{uuid.uuid4()}", "source": "urn:birlikte:events",
                "type": "events.event.updated", "time": "2027-01-01T10:00:00Z", "data": event}
    bus.deliver("events.event.updated", event, envelope=envelope)
    bus.deliver("events.event.updated", event, envelope=envelope)  # redelivered by the broker
    assert len(deliveries_of(notifications_pool, subscription["id"])) == 2  # scheduled and updated, once each
    assert deliver_until(notifications_pool, settings, lambda: len(partner.received) >= 2)
    deliveries.deliver_due(notifications_pool, settings)
    assert len(partner.received) == 2
    # Webhooks promise no order (retries reorder them anyway): find ours by its webhook-id.
    [(headers, body)] = [(h, b) for h, b in partner.received if h["webhook-id"] == envelope["id"]]
    assert headers["content-type"] == "application/json" and headers["webhook-signature"].startswith("v1,")
    payload = Webhook(subscription["secret"]).verify(body, headers)  # the Standard Webhooks reference check
    assert payload == {"type": "events.event.updated", "timestamp": "2027-01-01T10:00:00Z", "data": event}
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription["secret"]).verify(body.replace(b"2027", b"2028"), headers)
    ours = next(d for d in deliveries_of(notifications_pool, subscription["id"]) if d["webhook_id"] == envelope["id"])
    assert ours["status"] == "delivered" and ours["attempts"] == 1 and ours["last_status_code"] == 204
    [message] = announced(notifications_pool, ours["id"])
    assert message["type"] == "notifications.delivery.webhook_delivered"
    assert message["data"]["organization_id"] == org and message["data"]["webhook_id"] == envelope["id"]



def test_the_same_message_handed_to_the_fan_in_twice_makes_one_delivery(hooks, tokens, receiver, notifications_pool):
    """The consumer's inbox skips a redelivered message before the fan-in runs; the webhook-id
    (the message's id) is what keeps a second pass from delivering twice all the same."""
    _, client, bus = hooks
    org = str(uuid.uuid4())
    subscription = subscribe(client, tokens, org, receiver().url)
    event = {**bus.event(organizer_ids=[org]), "version": 2}
    envelope = make_envelope("events.event.updated", event, source="urn:birlikte:events", subject=event["id"])
    message = read_message(envelope)
    with notifications_pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        assert deliveries.for_event(cur, message) == 1
        assert deliveries.for_event(cur, message) == 0
    updated = [d for d in deliveries_of(notifications_pool, subscription["id"]) if d["event_type"] == message.type]
    assert [d["webhook_id"] for d in updated] == [envelope["id"]]
    assert updated[0]["payload"] == {"type": "events.event.updated", "timestamp": envelope["time"], "data": event}

def test_a_message_reaches_the_organizations_it_concerns_and_the_patterns_that_match(
        hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    organizer, host, partner_org, home, stranger = (str(uuid.uuid4()) for _ in range(5))
    url = receiver().url
    subs = {name: subscribe(client, tokens, org, url, types)["id"] for name, org, types in (
        ("organizer", organizer, ("events.#",)), ("host", host, ("events.event.*",)),
        ("partner", partner_org, ("events.#",)), ("home", home, ("events.registration.*",)),
        ("stranger", stranger, ("events.#",)), ("organizer_events_only", organizer, ("events.event.cancelled",)))}
    event = bus.event(organizer_ids=[organizer], host_id=host, partner_ids=[partner_org])
    registration = bus.registration(event, bus.person())  # on behalf of some organization of no concern here
    bus.deliver("events.registration.promoted", {**registration, "organization_id": home})
    kinds = {name: [d["event_type"] for d in deliveries_of(notifications_pool, sid)] for name, sid in subs.items()}
    assert kinds == {
        "organizer": ["events.event.scheduled", "events.registration.created", "events.registration.promoted"],
        "host": ["events.event.scheduled"], "partner": ["events.event.scheduled"],
        "home": ["events.registration.promoted"], "stranger": [], "organizer_events_only": []}


def test_a_failing_receiver_is_retried_with_growing_gaps_then_delivered(hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, partner = str(uuid.uuid4()), receiver(fail_first=2)
    subscription = subscribe(client, tokens, org, partner.url)
    bus.event(organizer_ids=[org])
    assert deliver_until(notifications_pool, settings, lambda: partner.received, timeout=15)
    assert partner.statuses == [500, 500, 204]
    gaps = [b - a for a, b in zip(partner.times, partner.times[1:])]
    assert gaps[0] >= DELAYS[0] * 0.8 and gaps[1] >= DELAYS[1] * 0.8 and gaps[1] > gaps[0], gaps
    [delivery] = client.get(f"/webhooks/{subscription['id']}/deliveries",
                            headers=tokens.partner(org, "notifications:webhooks")).get_json()["items"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 3 and delivery["last_error"] is None
    detail = client.get(f"/webhooks/{subscription['id']}/deliveries/{delivery['id']}",
                        headers=tokens.partner(org, "notifications:webhooks")).get_json()
    log = detail["attempt_log"]
    assert [a["status_code"] for a in log] == [500, 500, 204] and [a["error"] for a in log][:2] == ["HTTP 500"] * 2
    assert log[0]["attempted_at"] < log[1]["attempted_at"] < log[2]["attempted_at"]
    assert subscription_row(notifications_pool, subscription["id"])["consecutive_failures"] == 0  # the run is over


def test_an_always_failing_receiver_fails_the_delivery_and_then_disables_the_subscription(
        hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    settings = settings.replace(webhook_max_failures=len(DELAYS) + 2)  # one delivery's four attempts, then one more
    org, partner = str(uuid.uuid4()), receiver(fail_first=1000, status=503)
    admin = tokens.admin_of(org)
    subscription = subscribe(client, tokens, org, partner.url)
    bus.event(organizer_ids=[org])
    [first] = deliveries_of(notifications_pool, subscription["id"])
    assert deliver_until(notifications_pool, settings,
                         lambda: deliveries_of(notifications_pool, subscription["id"])[0]["status"] == "failed")
    assert len(partner.times) == len(DELAYS) + 1  # the first try and one per delay
    state = subscription_row(notifications_pool, subscription["id"])
    assert state["status"] == "active" and state["consecutive_failures"] == len(DELAYS) + 1
    [message] = announced(notifications_pool, first["id"])
    assert message["type"] == "notifications.delivery.webhook_failed" and message["data"]["status_code"] == 503

    bus.event(organizer_ids=[org])  # its first failure completes the run: the subscription is disabled
    assert deliver_until(notifications_pool, settings,
                         lambda: subscription_row(notifications_pool, subscription["id"])["status"] == "disabled")
    state = subscription_row(notifications_pool, subscription["id"])
    assert "5 deliveries failed in a row" in state["disabled_reason"] and state["disabled_at"] is not None
    time.sleep(DELAYS[0] * 1.5)
    deliveries.deliver_due(notifications_pool, settings)
    second = deliveries_of(notifications_pool, subscription["id"])[1]
    assert len(partner.times) == len(DELAYS) + 2 and second["status"] == "pending" and second["attempts"] == 1  # waits
    bus.event(organizer_ids=[org])
    assert len(deliveries_of(notifications_pool, subscription["id"])) == 2  # nothing new for a disabled one

    redeliver = f"/webhooks/{subscription['id']}/deliveries/{first['id']}/redeliver"
    conflict = client.post(redeliver, headers=admin)
    assert conflict.status_code == 409 and conflict.content_type == PROBLEM
    current = client.get(f"/webhooks/{subscription['id']}", headers=admin)
    assert current.get_json()["status"] == "disabled"
    assert client.patch(f"/webhooks/{subscription['id']}", json={"status": "active"}, headers=admin).status_code == 428
    enabled = client.patch(f"/webhooks/{subscription['id']}", json={"status": "active"},
                           headers={**admin, "If-Match": current.headers["ETag"]})
    assert enabled.status_code == 200 and enabled.get_json()["consecutive_failures"] == 0
    assert enabled.get_json()["disabled_reason"] is None
    partner.fail_first = 0
    answered = client.post(redeliver, headers=admin)
    assert answered.status_code == 202 and answered.get_json()["status"] == "pending"
    assert deliver_until(notifications_pool, settings, lambda: len(partner.received) == 2)  # the waiting one too
    assert {d["status"] for d in deliveries_of(notifications_pool, subscription["id"])} == {"delivered"}
    detail = client.get(f"/webhooks/{subscription['id']}/deliveries/{first['id']}", headers=admin).get_json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [503] * (len(DELAYS) + 1) + [204]
    assert {h["webhook-id"] for h, _ in partner.received} == {d["webhook_id"] for d in
                                                             deliveries_of(notifications_pool, subscription["id"])}


def test_the_owner_disables_and_redelivers_and_other_organizations_see_nothing(
        hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, other, partner = str(uuid.uuid4()), str(uuid.uuid4()), receiver()
    client_token = tokens.partner(org, "notifications:webhooks")
    subscription = subscribe(client, tokens, org, partner.url, headers=client_token)
    for _ in range(3):
        bus.event(organizer_ids=[org])
    assert deliver_until(notifications_pool, settings, lambda: len(partner.received) == 3)
    base = f"/webhooks/{subscription['id']}"
    first = client.get(f"{base}/deliveries?limit=2", headers=client_token)
    assert first.status_code == 200 and len(first.get_json()["items"]) == 2 and 'rel="next"' in first.headers["Link"]
    rest = client.get(f"{base}/deliveries?limit=2&cursor={first.get_json()['next_cursor']}", headers=client_token)
    log = first.get_json()["items"] + rest.get_json()["items"]
    assert len(log) == 3 and rest.get_json()["next_cursor"] is None
    assert [d["created_at"] for d in log] == sorted(d["created_at"] for d in log)
    delivered = log[0]
    one = f"{base}/deliveries/{delivered['id']}"
    for stranger in (tokens.admin_of(other), tokens.partner(other, "notifications:webhooks"), tokens.member_of(org)):
        assert client.get(f"{base}/deliveries", headers=stranger).status_code == 403
        assert client.get(one, headers=stranger).status_code == 403
        assert client.post(f"{one}/redeliver", headers=stranger).status_code == 403
    assert client.get(f"{base}/deliveries/{uuid.uuid4()}", headers=client_token).status_code == 404
    assert client.get(f"/webhooks/{uuid.uuid4()}/deliveries", headers=client_token).status_code == 404

    # a delivered one can be sent again: a second request, same webhook-id, verified again
    assert client.post(f"{one}/redeliver", headers=client_token).status_code == 202
    assert deliver_until(notifications_pool, settings, lambda: len(partner.received) == 4)
    headers, body = partner.received[-1]
    assert headers["webhook-id"] == delivered["webhook_id"]
    Webhook(subscription["secret"]).verify(body, headers)
    assert len(client.get(one, headers=client_token).get_json()["attempt_log"]) == 2

    current = client.get(base, headers=client_token)
    assert client.post(f"{base}/disable", headers=client_token).status_code == 428
    assert client.post(f"{base}/disable", headers={**tokens.admin_of(other), "If-Match": current.headers["ETag"]}
                       ).status_code == 403
    disabled = client.post(f"{base}/disable", headers={**client_token, "If-Match": current.headers["ETag"]})
    assert disabled.status_code == 200 and disabled.get_json()["status"] == "disabled"
    assert disabled.headers["ETag"] != current.headers["ETag"]
    assert client.post(f"{one}/redeliver", headers=client_token).status_code == 409
    bus.event(organizer_ids=[org])
    deliveries.deliver_due(notifications_pool, settings)
    assert len(partner.received) == 4 and len(deliveries_of(notifications_pool, subscription["id"])) == 3


def test_a_dead_workers_claim_is_taken_over_and_a_lost_claim_changes_nothing(
        hooks, tokens, receiver, notifications_pool):
    settings, client, bus = hooks
    org, taken_over_while_sending = str(uuid.uuid4()), threading.Event()

    def take_over(headers):  # another worker takes the claim over while this one is still sending
        if taken_over_while_sending.is_set():
            with notifications_pool.connection() as conn:
                conn.execute("UPDATE webhook_deliveries SET claimed_at = clock_timestamp() WHERE webhook_id = %s",
                             (headers["webhook-id"],))
    partner = receiver(on_request=take_over)
    subscription = subscribe(client, tokens, org, partner.url)
    bus.event(organizer_ids=[org])
    [delivery] = deliveries_of(notifications_pool, subscription["id"])
    with notifications_pool.connection() as conn:  # claimed by a worker that is alive, as far as we know
        conn.execute("UPDATE webhook_deliveries SET status = 'sending', attempts = 1, claimed_at = now() "
                     "WHERE id = %s", (delivery["id"],))
    deliveries.deliver_due(notifications_pool, settings)
    assert partner.times == [] and deliveries_of(notifications_pool, subscription["id"])[0]["status"] == "sending"
    with notifications_pool.connection() as conn:  # … and now its lease has run out
        conn.execute("UPDATE webhook_deliveries SET claimed_at = now() - make_interval(secs => %s) WHERE id = %s",
                     (settings.send_lease_seconds + 1, delivery["id"]))
    assert deliver_until(notifications_pool, settings, lambda: partner.received)
    taken_over = deliveries_of(notifications_pool, subscription["id"])[0]
    assert taken_over["status"] == "delivered" and taken_over["attempts"] == 2

    # a worker whose claim was taken over while it sent logs its attempt and settles nothing
    taken_over_while_sending.set()
    bus.event(organizer_ids=[org])
    deliveries.deliver_due(notifications_pool, settings)
    second = deliveries_of(notifications_pool, subscription["id"])[1]
    assert len(partner.received) == 2 and second["status"] == "sending" and second["delivered_at"] is None
    detail = client.get(f"/webhooks/{subscription['id']}/deliveries/{second['id']}", headers=tokens.admin_of(org))
    assert [a["status_code"] for a in detail.get_json()["attempt_log"]] == [204]
    # … and a worker that finds its claim gone before sending sends nothing
    bus.event(organizer_ids=[org])
    with notifications_pool.connection() as conn:
        batch = leases.claim(conn, deliveries.DELIVERIES, deliveries.BATCH, settings.send_lease_seconds)
    [claimed] = [c for c in deliveries.with_subscriptions(notifications_pool, batch)
                 if c["subscription_id"] == uuid.UUID(subscription["id"])]
    with notifications_pool.connection() as conn:
        conn.execute("UPDATE webhook_deliveries SET claimed_at = clock_timestamp() WHERE id = %s", (claimed["id"],))
    assert deliveries.attempt(notifications_pool, settings, claimed) == 0 and len(partner.received) == 2


def test_an_organizations_subscriptions_are_listed_apart_and_its_log_newest_first(hooks, tokens, receiver,
                                                                                   notifications_pool):
    settings, client, bus = hooks
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    partner = receiver()
    mine = subscribe(client, tokens, org, partner.url)
    subscribe(client, tokens, other, partner.url)
    listed = client.get(f"/webhooks?organization_id={org}", headers=tokens.coordinator()).get_json()["items"]
    assert [s["id"] for s in listed] == [mine["id"]]
    both = client.get(f"/webhooks?organization_id={other}", headers=tokens.admin_of(org)).get_json()["items"]
    assert both == []  # an admin of one organization asking for another's sees none of it
    for _ in range(3):
        bus.event(organizer_ids=[org])
    made = [str(d["id"]) for d in deliveries_of(notifications_pool, mine["id"])]
    log = f"/webhooks/{mine['id']}/deliveries"
    first = client.get(f"{log}?order=newest&limit=2", headers=tokens.admin_of(org)).get_json()
    rest = client.get(f"{log}?order=newest&limit=2&cursor={first['next_cursor']}", headers=tokens.admin_of(org))
    assert [d["id"] for d in first["items"] + rest.get_json()["items"]] == made[::-1]
    assert client.get(f"{log}?order=sideways", headers=tokens.admin_of(org)).status_code == 422


def test_a_deleted_subscription_is_gone_for_its_owners_and_delivered_to_never(hooks, tokens, receiver,
                                                                               notifications_pool):
    settings, client, bus = hooks
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    partner = receiver()
    subscription = subscribe(client, tokens, org, partner.url)
    bus.event(organizer_ids=[org])
    base = f"/webhooks/{subscription['id']}"
    assert client.delete(base).status_code == 401
    assert client.delete(base, headers=tokens.admin_of(other)).status_code == 403
    assert client.delete(base, headers=tokens.member_of(org)).status_code == 403
    assert client.delete(base, headers=tokens.admin_of(org)).status_code == 204
    for path in (base, f"{base}/deliveries"):
        gone = client.get(path, headers=tokens.admin_of(org))
        assert gone.status_code == 404 and gone.content_type == PROBLEM, path
    assert client.delete(base, headers=tokens.admin_of(org)).status_code == 404
    assert client.patch(base, json={"status": "active"}, headers={**tokens.admin_of(org), "If-Match": '"v2"'}
                        ).status_code == 404
    assert client.get(f"/webhooks?organization_id={org}", headers=tokens.coordinator()).get_json()["items"] == []
    bus.event(organizer_ids=[org])
    deliveries.deliver_due(notifications_pool, settings)
    assert partner.times == [] and len(deliveries_of(notifications_pool, subscription["id"])) == 1
    row = subscription_row(notifications_pool, subscription["id"])
    assert row["status"] == "deleted" and row["deleted_at"] and row["secret"] != subscription["secret"]


def test_the_secret_is_shown_once_and_a_retried_subscription_answers_without_it(hooks, tokens, receiver,
                                                                                notifications_pool):
    _, client, _ = hooks
    org = str(uuid.uuid4())
    body = {"organization_id": org, "url": receiver().url, "event_types": ["events.event.*"]}
    headers = {**tokens.admin_of(org), "Idempotency-Key": f"web-webhook-{uuid.uuid4().hex}"}
    first = client.post("/webhooks", json=body, headers=headers)
    again = client.post("/webhooks", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["secret"].startswith("whsec_") and "secret" not in again.get_json()
    assert again.get_json()["id"] == first.get_json()["id"]
    with notifications_pool.connection() as conn:
        kept = [r["body"] for r in conn.execute("SELECT body FROM idempotency_keys WHERE key = %s",
                                                (headers["Idempotency-Key"],))]
    assert len(kept) == 1 and first.get_json()["secret"].encode() not in bytes(kept[0])
