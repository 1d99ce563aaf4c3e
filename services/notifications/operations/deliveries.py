"""Webhook deliveries to partner organizations' systems, signed per Standard Webhooks (signing.py).

A message that concerns an organization (it organizes, hosts or partners an event; someone
registered on its behalf or for an event it organizes) becomes one delivery per matching active
subscription, keyed by the message's id so that a redelivered message delivers nothing twice.

Deliveries are claimed (shared/leases.py: the claim committed before anything is sent), POSTed,
and retried after `webhook_retry_delays` with ±20 % jitter; after the last delay a delivery has
failed. Every failed attempt extends the subscription's run of failures, and at
`webhook_max_failures` the subscription is disabled: its pending deliveries wait until its owner
re-enables it. Every attempt is logged for the partner. A claim is a lease
(`send_lease_seconds`): a dead worker's claims are taken over, and a worker whose lease was taken
over (or whose delivery was redelivered meanwhile) records its attempt but changes nothing else.

The URL's host is resolved and checked at subscription and again at each delivery (DNS can
change), and the POST goes to the addresses that were checked, so a host cannot be re-pointed
at an internal address between the check and the connection.
"""
from __future__ import annotations

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import requests
from psycopg.types.json import Jsonb

from shared import leases, outbound
from shared.bus.envelope import Message
from shared.bus.topology import pattern_matches
from shared.config import Settings
from services.notifications import messages, queries, signing

log = logging.getLogger(__name__)
BATCH = 20            # deliveries claimed at once
THREADS = 4           # sent concurrently, so one slow receiver does not hold up the others
JITTER = (0.8, 1.2)
DELIVERIES = leases.Due(
    "webhook_deliveries", order="next_attempt_at", claim="status = 'sending', attempts = attempts + 1",
    when="status = 'pending' AND next_attempt_at <= now()", claimed="status = 'sending'",
    eligible="subscription_id IN (SELECT id FROM webhook_subscriptions WHERE status = 'active')")


# --- Fan-in: the message handlers -------------------------------------------------------------

def for_event(cur, message: Message) -> int:
    """An event's message concerns its organizers, its host and its partners."""
    data = message.data
    return enqueue(cur, message, {*data["organizer_ids"], *data["partner_ids"], data.get("host_id")})


def for_registration(cur, message: Message) -> int:
    """A registration's message concerns the organization it was made for and the event's
    organizers (as the event's copy has them: this runs after the copy is written)."""
    data = message.data
    return enqueue(cur, message, {data["organization_id"], *queries.event_organizers(cur, data["event_id"])})


def enqueue(cur, message: Message, organizations: set) -> int:
    """One delivery per active subscription of the organizations whose patterns match the
    message, the message as it travelled for its payload; its id is the webhook-id, so a message
    handed in twice makes no delivery twice."""
    concerned = {str(o) for o in organizations if o}
    if not concerned:
        return 0
    payload = Jsonb({"type": message.type, "timestamp": message.time, "data": message.envelope["data"]})
    made = 0
    for subscription in queries.active_subscriptions(cur, concerned):
        if any(pattern_matches(p, message.type) for p in subscription["event_types"]):
            cur.execute("INSERT INTO webhook_deliveries (subscription_id, webhook_id, event_type, payload) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (subscription_id, webhook_id) DO NOTHING",
                        (subscription["id"], message.id, message.type, payload))
            made += cur.rowcount
    return made


# --- Delivery: the timer ----------------------------------------------------------------------

def deliver_due(pool, settings: Settings) -> int:
    """Deliver what is due (of active subscriptions); returns how many deliveries succeeded."""
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="webhook") as executor:
        def deliver(batch: list[dict]) -> int:
            return sum(executor.map(lambda d: attempt(pool, settings, d), with_subscriptions(pool, batch)))
        return leases.drain(pool, DELIVERIES, deliver, batch=BATCH, lease_seconds=settings.send_lease_seconds)


def with_subscriptions(pool, batch: list[dict]) -> list[dict]:
    """Each claimed delivery with its subscription's URL, secret and organization."""
    with pool.connection() as conn, conn.cursor() as cur:
        targets = queries.subscription_targets(cur, [d["subscription_id"] for d in batch])
    return [{**d, **{k: targets[d["subscription_id"]][k] for k in ("url", "secret", "organization_id")}}
            for d in batch]


def attempt(pool, settings: Settings, delivery: dict) -> int:
    """Send one claimed delivery and settle it, if the claim is still this worker's; 1 when delivered."""
    with pool.connection() as conn:
        if not leases.renew(conn, DELIVERIES, delivery):
            return 0
    began = time.perf_counter()
    status, error = _send(settings, delivery)
    duration = int((time.perf_counter() - began) * 1000)
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("INSERT INTO webhook_attempts (delivery_id, status_code, error, duration_ms) "
                    "VALUES (%s, %s, %s, %s)", (delivery["id"], status, error, duration))
        if not leases.hold(conn, DELIVERIES, delivery):
            return 0  # taken over after the lease, or redelivered meanwhile: theirs to settle
        if error is None:
            _succeeded(cur, delivery, status)
            return 1
        _failed(cur, settings, delivery, status, error)
    return 0


def _send(settings: Settings, delivery: dict) -> tuple[int | None, str | None]:
    """POST the signed delivery: the receiver's status, and what went wrong (None: a 2xx)."""
    body, headers = signing.signed_request(delivery["secret"], delivery["webhook_id"], delivery["payload"],
                                           datetime.now(timezone.utc))
    try:
        addresses = outbound.resolve(delivery["url"], settings.webhook_allow_private)  # DNS may have changed
        status = _post(delivery["url"], addresses, body, headers, settings.webhook_timeout_seconds)
    except (requests.RequestException, outbound.UnsafeUrl) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    except Exception as exc:  # whatever else went wrong, it is this attempt's failure, not the worker's
        log.exception("webhook delivery crashed")
        return None, f"{type(exc).__name__}: {exc}"[:500]
    return status, None if 200 <= status < 300 else f"HTTP {status}"


def _post(url: str, addresses: list[str], body: bytes, headers: dict, timeout: float) -> int:
    with outbound.session(addresses) as session:
        # stream: the receiver's body is never read, so a huge answer costs nothing
        with session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False,
                          stream=True) as response:
            return response.status_code


def _succeeded(cur, delivery: dict, status: int) -> None:
    cur.execute("UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), claimed_at = NULL, "
                "last_status_code = %s, last_error = NULL WHERE id = %s", (status, delivery["id"]))
    cur.execute("UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = %s AND consecutive_failures > 0",
                (delivery["subscription_id"],))
    messages.webhook_outcome(cur, "webhook_delivered", delivery, status)


def _failed(cur, settings: Settings, delivery: dict, status: int | None, error: str) -> None:
    delays = settings.webhook_retry_delays
    attempts = delivery["attempts"]  # 1 for the first attempt
    if attempts > len(delays):
        cur.execute("UPDATE webhook_deliveries SET status = 'failed', claimed_at = NULL, last_status_code = %s, "
                    "last_error = %s WHERE id = %s", (status, error, delivery["id"]))
        messages.webhook_outcome(cur, "webhook_failed", delivery, status, error)
    else:
        delay = delays[attempts - 1] * random.uniform(*JITTER)  # jitter: retries do not stampede
        cur.execute("UPDATE webhook_deliveries SET status = 'pending', claimed_at = NULL, last_status_code = %s, "
                    "last_error = %s, next_attempt_at = clock_timestamp() + make_interval(secs => %s) WHERE id = %s",
                    (status, error, delay, delivery["id"]))
    _count_failure(cur, settings, delivery["subscription_id"], error)


def _count_failure(cur, settings: Settings, subscription_id, error: str) -> None:
    """One more failure in the subscription's run; at webhook_max_failures it is disabled."""
    cur.execute("UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 "
                "WHERE id = %s RETURNING consecutive_failures", (subscription_id,))
    run = cur.fetchone()
    if not run or run["consecutive_failures"] < settings.webhook_max_failures:
        return
    cur.execute("UPDATE webhook_subscriptions SET status = 'disabled', disabled_at = now(), updated_at = now(), "
                "version = version + 1, disabled_reason = %s WHERE id = %s AND status = 'active' RETURNING id",
                (f"{run['consecutive_failures']} deliveries failed in a row; last: {error}"[:500], subscription_id))
    if cur.fetchone():
        log.warning("webhook subscription disabled", extra={"subscription": str(subscription_id)})
