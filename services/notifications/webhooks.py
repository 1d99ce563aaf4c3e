"""Webhooks to partner organizations' systems, signed per the Standard Webhooks specification.

A message that concerns an organization (it organizes, hosts or partners an event; someone
registered on its behalf or for an event it organizes) becomes one delivery per matching active
subscription, keyed by the message's id so that a redelivered message delivers nothing twice.

Deliveries are claimed (FOR UPDATE SKIP LOCKED, the claim committed before anything is sent),
POSTed with `webhook-id`, `webhook-timestamp` and `webhook-signature`, and retried after
`webhook_retry_delays` with ±20 % jitter; after the last delay a delivery has failed. Every failed
attempt extends the subscription's run of failures, and at `webhook_max_failures` the subscription
is disabled: its pending deliveries wait until its owner re-enables it. Every attempt is logged
for the partner. A claim is a lease (`send_lease_seconds`): a dead worker's claims are taken over,
and a worker whose lease was taken over (or whose delivery was redelivered meanwhile) records
its attempt but changes nothing else.

The URL's host is resolved and checked at subscription and again at each delivery (DNS can
change), and the POST goes to the addresses that were checked, so a host cannot be re-pointed
at an internal address between the check and the connection.
"""
from __future__ import annotations

import base64
import json
import logging
import random
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import requests
from psycopg.types.json import Jsonb
from standardwebhooks.webhooks import Webhook

from shared import leases
from shared.bus.outbox import publish
from shared.bus.topology import pattern_matches
from shared.config import Settings
from shared import outbound
from shared.outbound import UnsafeUrl, resolve

log = logging.getLogger(__name__)
SOURCE = "urn:birlikte:notifications"
BATCH = 20            # deliveries claimed at once
THREADS = 4           # sent concurrently, so one slow receiver does not hold up the others
JITTER = (0.8, 1.2)


def new_secret() -> str:
    """whsec_ + base64 of 24 random bytes, as Standard Webhooks prescribes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _post(url: str, addresses: list[str], body: bytes, headers: dict, timeout: float) -> int:
    with outbound.session(addresses) as session:
        # stream: the receiver's body is never read, so a huge answer costs nothing
        with session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                          stream=True) as response:
            return response.status_code


# --- Fan-in -----------------------------------------------------------------------------------

def _organizations(cur, envelope: dict) -> set[str]:
    data = envelope["data"]
    if envelope["type"].startswith("events.event."):
        ids = [*(data.get("organizer_ids") or ()), *(data.get("partner_ids") or ()), data.get("host_id")]
        return {str(i) for i in ids if i}
    if envelope["type"].startswith("events.registration."):
        ids = {str(data["organization_id"])} if data.get("organization_id") else set()
        cur.execute("SELECT organizer_ids FROM events WHERE id = %s", (data["event_id"],))
        event = cur.fetchone()
        if event:
            ids |= {str(i) for i in event["organizer_ids"]}
        return ids
    return set()


def enqueue(cur, settings: Settings, envelope: dict) -> int:
    """One delivery per active subscription of a concerned organization whose patterns match the
    message; the message's id as webhook-id, so a redelivered message makes none twice."""
    organizations = _organizations(cur, envelope)
    if not organizations:
        return 0
    cur.execute("SELECT id, event_types FROM webhook_subscriptions WHERE status = 'active' "
                "AND organization_id = ANY(%s::uuid[]) ORDER BY id", (sorted(organizations),))
    wanting = [s["id"] for s in cur.fetchall()
               if any(pattern_matches(p, envelope["type"]) for p in s["event_types"])]
    payload = Jsonb({"type": envelope["type"], "timestamp": envelope.get("time"), "data": envelope["data"]})
    made = 0
    for subscription_id in wanting:
        cur.execute("INSERT INTO webhook_deliveries (subscription_id, webhook_id, event_type, payload) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (subscription_id, webhook_id) DO NOTHING",
                    (subscription_id, envelope["id"], envelope["type"], payload))
        made += cur.rowcount
    return made


def enqueue_message(settings: Settings, cur, message) -> int:
    """The consumer's handler: the message as it travelled is what partners receive."""
    return enqueue(cur, settings, message.envelope)


# --- Delivery ---------------------------------------------------------------------------------

DELIVERIES = leases.Due(
    "webhook_deliveries", order="next_attempt_at", claim="status = 'sending', attempts = attempts + 1",
    when="status = 'pending' AND next_attempt_at <= now()", claimed="status = 'sending'",
    eligible="subscription_id IN (SELECT id FROM webhook_subscriptions WHERE status = 'active')")


def deliver_due(pool, settings: Settings) -> int:
    """Deliver what is due (of active subscriptions); returns how many deliveries succeeded."""
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="webhook") as executor:
        def deliver(batch: list[dict]) -> int:
            return sum(executor.map(lambda d: _attempt(pool, settings, d), _with_subscriptions(pool, batch)))
        return leases.drain(pool, DELIVERIES, deliver, batch=BATCH, lease_seconds=settings.send_lease_seconds)


def _with_subscriptions(pool, batch: list[dict]) -> list[dict]:
    """Each claimed delivery with its subscription's URL, secret and organization."""
    with pool.connection() as conn:
        found = conn.execute("SELECT id, url, secret, organization_id FROM webhook_subscriptions WHERE id = ANY(%s)",
                             ([d["subscription_id"] for d in batch],)).fetchall()
    subscriptions = {s["id"]: s for s in found}
    return [{**d, **{k: subscriptions[d["subscription_id"]][k] for k in ("url", "secret", "organization_id")}}
            for d in batch]


def _attempt(pool, settings: Settings, delivery: dict) -> int:
    with pool.connection() as conn:
        if not leases.renew(conn, DELIVERIES, delivery):
            return 0
    body = json.dumps(delivery["payload"], separators=(",", ":"), ensure_ascii=False)
    sent_at = datetime.now(timezone.utc)
    headers = {"webhook-id": delivery["webhook_id"], "webhook-timestamp": str(int(sent_at.timestamp())),
               "webhook-signature": Webhook(delivery["secret"]).sign(delivery["webhook_id"], sent_at, body),
               "Content-Type": "application/json", "User-Agent": "Birlikte-Webhooks/1"}
    began, status, error = time.perf_counter(), None, None
    try:
        addresses = resolve(delivery["url"], settings.webhook_allow_private)  # DNS may have changed
        status = _post(delivery["url"], addresses, body.encode(), headers, settings.webhook_timeout_seconds)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (requests.RequestException, UnsafeUrl) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    except Exception as exc:  # whatever else went wrong, it is this attempt's failure, not the worker's
        log.exception("webhook delivery crashed")
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = int((time.perf_counter() - began) * 1000)
    with pool.connection() as conn, conn.transaction():
        conn.execute("INSERT INTO webhook_attempts (delivery_id, status_code, error, duration_ms) "
                     "VALUES (%s, %s, %s, %s)", (delivery["id"], status, error, duration))
        if not leases.hold(conn, DELIVERIES, delivery):  # taken over after the lease, or redelivered meanwhile: theirs to settle
            return 0
        if error is None:
            _succeeded(conn, delivery, status)
            return 1
        _failed(conn, settings, delivery, status, error)
    return 0


def _succeeded(conn, delivery: dict, status: int) -> None:
    conn.execute("UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), claimed_at = NULL, "
                 "last_status_code = %s, last_error = NULL WHERE id = %s", (status, delivery["id"]))
    conn.execute("UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = %s AND consecutive_failures > 0",
                 (delivery["subscription_id"],))
    _announce(conn, "webhook_delivered", delivery, status)


def _failed(conn, settings: Settings, delivery: dict, status: int | None, error: str) -> None:
    delays = settings.webhook_retry_delays
    attempt = delivery["attempts"]  # 1 for the first attempt
    if attempt > len(delays):
        conn.execute("UPDATE webhook_deliveries SET status = 'failed', claimed_at = NULL, last_status_code = %s, "
                     "last_error = %s WHERE id = %s", (status, error, delivery["id"]))
        _announce(conn, "webhook_failed", delivery, status, error)
    else:
        delay = delays[attempt - 1] * random.uniform(*JITTER)  # jitter: retries do not stampede
        conn.execute("UPDATE webhook_deliveries SET status = 'pending', claimed_at = NULL, last_status_code = %s, "
                     "last_error = %s, next_attempt_at = clock_timestamp() + make_interval(secs => %s) WHERE id = %s",
                     (status, error, delay, delivery["id"]))
    run = conn.execute("UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 "
                       "WHERE id = %s RETURNING consecutive_failures", (delivery["subscription_id"],)).fetchone()
    if run and run["consecutive_failures"] >= settings.webhook_max_failures:
        disabled = conn.execute(
            "UPDATE webhook_subscriptions SET status = 'disabled', disabled_at = now(), updated_at = now(), "
            "version = version + 1, disabled_reason = %s WHERE id = %s AND status = 'active' RETURNING id",
            (f"{run['consecutive_failures']} deliveries failed in a row; last: {error}"[:500],
             delivery["subscription_id"])).fetchone()
        if disabled:
            log.warning("webhook subscription disabled", extra={"subscription": str(delivery["subscription_id"])})


def _announce(conn, outcome: str, delivery: dict, status: int | None, error: str | None = None) -> None:
    publish(conn, f"notifications.delivery.{outcome}", {
        "delivery_id": str(delivery["id"]), "subscription_id": str(delivery["subscription_id"]),
        "organization_id": str(delivery["organization_id"]), "webhook_id": delivery["webhook_id"],
        "event_type": delivery["event_type"], "attempts": delivery["attempts"], "status_code": status,
        "error": error}, source=SOURCE, subject=str(delivery["id"]))
