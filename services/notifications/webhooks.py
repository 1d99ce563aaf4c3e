"""Webhooks to partner organizations' systems, signed per the Standard Webhooks specification.

A message that concerns an organization (it organizes, hosts or partners an event, or someone
registered on its behalf) becomes one delivery per matching subscription, keyed by the message's
id so that a redelivered message delivers nothing twice. Deliveries are claimed, POSTed with
`webhook-id`, `webhook-timestamp` and `webhook-signature`, and retried with growing delays and
jitter; a subscription that keeps failing is disabled. Every attempt is logged for the partner.
"""
from __future__ import annotations

import base64
import ipaddress
import json
import logging
import random
import secrets
import socket
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
from psycopg.types.json import Jsonb
from standardwebhooks.webhooks import Webhook

from shared.bus.outbox import publish
from shared.bus.topology import pattern_matches
from shared.config import Settings

log = logging.getLogger(__name__)
SOURCE = "urn:birlikte:notifications"
BATCH = 50
LEASE_SECONDS = 120


class UnsafeUrl(ValueError):
    pass


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_url(url: str, allow_private: bool) -> None:
    """Refuse what is not http(s), and hosts on private, loopback or otherwise internal addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("Use an http(s) URL with a host name.")
    if allow_private:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except socket.gaierror as exc:
        raise UnsafeUrl(f"The host {parts.hostname} does not resolve: {exc}.") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
                or ip.is_unspecified):
            raise UnsafeUrl(f"{parts.hostname} resolves to {ip}, an internal address; webhooks go to public hosts.")


def _organizations(cur, envelope: dict) -> set[str]:
    data = envelope["data"]
    if envelope["type"].startswith("events.event."):
        ids = [*data.get("organizer_ids", []), *data.get("partner_ids", [])]
        if data.get("host_id"):
            ids.append(data["host_id"])
        return {str(i) for i in ids}
    if envelope["type"].startswith("events.registration."):
        cur.execute("SELECT organizer_ids, partner_ids FROM events WHERE id = %s", (data["event_id"],))
        event = cur.fetchone()
        ids = {str(data["organization_id"])}
        if event:
            ids |= {str(i) for i in [*event["organizer_ids"], *event["partner_ids"]]}
        return ids
    return set()


def enqueue(cur, envelope: dict) -> int:
    """One delivery per active subscription that wants this message; none twice for one message."""
    organizations = _organizations(cur, envelope)
    if not organizations:
        return 0
    cur.execute("SELECT id, event_types FROM webhook_subscriptions WHERE status = 'active' "
                "AND organization_id = ANY(%s::uuid[])", (sorted(organizations),))
    payload = {"type": envelope["type"], "timestamp": envelope.get("time"), "data": envelope["data"]}
    made = 0
    for subscription in cur.fetchall():
        if any(pattern_matches(p, envelope["type"]) for p in subscription["event_types"]):
            cur.execute("INSERT INTO webhook_deliveries (subscription_id, webhook_id, event_type, payload) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                        (subscription["id"], envelope["id"], envelope["type"], Jsonb(payload)))
            made += cur.rowcount
    return made


def deliver_due(pool, settings: Settings) -> int:
    """Deliver what is due; returns how many deliveries succeeded."""
    delivered = 0
    with pool.connection() as conn:
        conn.execute("UPDATE webhook_deliveries SET status = 'pending' WHERE status = 'sending' "
                     "AND claimed_at < now() - make_interval(secs => %s)", (LEASE_SECONDS,))
    while True:
        with pool.connection() as conn:
            batch = conn.execute(
                """UPDATE webhook_deliveries d SET status = 'sending', claimed_at = now(), attempts = attempts + 1
                   FROM webhook_subscriptions s
                   WHERE d.id IN (SELECT d2.id FROM webhook_deliveries d2 JOIN webhook_subscriptions s2
                                  ON s2.id = d2.subscription_id AND s2.status = 'active'
                                  WHERE d2.status = 'pending' AND d2.next_attempt_at <= now()
                                  ORDER BY d2.next_attempt_at LIMIT %s FOR UPDATE OF d2 SKIP LOCKED)
                     AND s.id = d.subscription_id
                   RETURNING d.*, s.url, s.secret, s.organization_id""", (BATCH,)).fetchall()
        for delivery in batch:
            delivered += _attempt(pool, settings, delivery)
        if len(batch) < BATCH:
            return delivered


def _attempt(pool, settings: Settings, delivery: dict) -> int:
    body = json.dumps(delivery["payload"], separators=(",", ":"), ensure_ascii=False)
    sent_at = datetime.now(timezone.utc)
    headers = {"webhook-id": delivery["webhook_id"], "webhook-timestamp": str(int(sent_at.timestamp())),
               "webhook-signature": Webhook(delivery["secret"]).sign(delivery["webhook_id"], sent_at, body),
               "Content-Type": "application/json", "User-Agent": "Birlikte-Webhooks/1"}
    began, status, error = time.perf_counter(), None, None
    try:
        check_url(delivery["url"], settings.webhook_allow_private)  # DNS may have changed since subscribing
        response = requests.post(delivery["url"], data=body.encode(), headers=headers,
                                 timeout=settings.webhook_timeout_seconds, allow_redirects=False)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except (requests.RequestException, UnsafeUrl) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = int((time.perf_counter() - began) * 1000)
    with pool.connection() as conn, conn.transaction():
        conn.execute("INSERT INTO webhook_attempts (delivery_id, status_code, error, duration_ms) VALUES (%s, %s, %s, %s)",
                     (delivery["id"], status, error, duration))
        if error is None:
            _succeeded(conn, delivery, status)
            return 1
        _failed(conn, settings, delivery, status, error)
    return 0


def _succeeded(conn, delivery: dict, status: int) -> None:
    conn.execute("UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = %s, "
                 "last_error = NULL WHERE id = %s", (status, delivery["id"]))
    conn.execute("UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = %s", (delivery["subscription_id"],))
    _announce(conn, "webhook_delivered", delivery)


def _failed(conn, settings: Settings, delivery: dict, status, error: str) -> None:
    delays = settings.webhook_retry_delays
    final = delivery["attempts"] > len(delays)
    if final:
        conn.execute("UPDATE webhook_deliveries SET status = 'failed', last_status_code = %s, last_error = %s "
                     "WHERE id = %s", (status, error, delivery["id"]))
        _announce(conn, "webhook_failed", delivery, error)
    else:
        delay = delays[delivery["attempts"] - 1] * random.uniform(0.8, 1.2)  # jitter: retries do not stampede
        conn.execute("UPDATE webhook_deliveries SET status = 'pending', last_status_code = %s, last_error = %s, "
                     "next_attempt_at = now() + make_interval(secs => %s) WHERE id = %s",
                     (status, error, delay, delivery["id"]))
    failures = conn.execute("UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 "
                            "WHERE id = %s RETURNING consecutive_failures", (delivery["subscription_id"],)).fetchone()
    if failures and failures["consecutive_failures"] >= settings.webhook_max_failures:
        conn.execute("UPDATE webhook_subscriptions SET status = 'disabled', disabled_at = now(), version = version + 1, "
                     "disabled_reason = %s WHERE id = %s AND status = 'active'",
                     (f"{failures['consecutive_failures']} deliveries failed in a row; last: {error}",
                      delivery["subscription_id"]))
        log.warning("webhook subscription disabled", extra={"subscription": str(delivery["subscription_id"])})


def _announce(conn, outcome: str, delivery: dict, error: str | None = None) -> None:
    publish(conn, f"notifications.delivery.{outcome}", {
        "delivery_id": str(delivery["id"]), "subscription_id": str(delivery["subscription_id"]),
        "organization_id": str(delivery["organization_id"]), "event_type": delivery["event_type"],
        "attempts": delivery["attempts"], "error": error}, source=SOURCE, subject=str(delivery["id"]))
