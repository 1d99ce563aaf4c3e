"""Sending emails that are due, exactly once as far as anyone can make it so.

A batch is claimed first (status `sending`, committed) so that other workers skip it; each email
is then sent and marked `sent` in its own transaction with its attempt logged. A worker that dies
mid-send leaves its claim; after the lease (BIRLIKTE_SEND_LEASE_SECONDS) another worker sends it
again. A server that never accepted the message (the connection broke before its 250) has no
copy, so that is the one send; the only window for a duplicate is between the server's 250 and
our commit, and then the copy carries the same Message-ID.
"""
from __future__ import annotations

import logging
import smtplib

from shared.bus.outbox import publish
from shared.config import Settings
from services.notifications.mailer import Mailer, build

log = logging.getLogger(__name__)
BATCH = 100
SOURCE = "urn:birlikte:notifications"


def send_due(pool, settings: Settings) -> int:
    """Send every email that is due; returns how many were accepted by the SMTP server."""
    sent = 0
    _release_expired(pool, settings)
    while True:
        batch = _claim(pool)
        if not batch:
            return sent
        mailer = Mailer(settings)
        try:
            for notification in batch:
                sent += _send_one(pool, settings, mailer, notification)
        finally:
            mailer.close()
        if len(batch) < BATCH:
            return sent


def _release_expired(pool, settings: Settings) -> None:
    with pool.connection() as conn:
        conn.execute("UPDATE notifications SET status = 'pending' WHERE status = 'sending' "
                     "AND claimed_at < now() - make_interval(secs => %s)", (settings.send_lease_seconds,))


def _claim(pool) -> list[dict]:
    with pool.connection() as conn:
        return conn.execute(
            """UPDATE notifications n SET status = 'sending', claimed_at = now(), attempts = attempts + 1
               FROM recipients r
               WHERE n.id IN (SELECT id FROM notifications WHERE status = 'pending' AND channel = 'email'
                              AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT %s FOR UPDATE SKIP LOCKED)
                 AND r.id = n.recipient_id
               RETURNING n.*, r.email, r.full_name""", (BATCH,)).fetchall()


def _send_one(pool, settings: Settings, mailer: Mailer, notification: dict) -> int:
    try:
        mailer.send(build(settings, notification, notification))
    except (smtplib.SMTPException, OSError) as exc:
        mailer.close()
        _failed(pool, settings, notification, f"{type(exc).__name__}: {exc}"[:500])
        return 0
    with pool.connection() as conn, conn.transaction():
        conn.execute("UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = %s", (notification["id"],))
        conn.execute("INSERT INTO delivery_attempts (notification_id, outcome) VALUES (%s, 'sent')",
                     (notification["id"],))
        _announce(conn, "sent", notification)
    return 1


def _failed(pool, settings: Settings, notification: dict, error: str) -> None:
    delays = settings.notification_retry_delays
    final = notification["attempts"] > len(delays)
    log.warning("email not accepted", extra={"notification": str(notification["id"]), "error": error})
    with pool.connection() as conn, conn.transaction():
        if final:
            conn.execute("UPDATE notifications SET status = 'failed' WHERE id = %s", (notification["id"],))
            _announce(conn, "failed", notification, error)
        else:
            conn.execute("UPDATE notifications SET status = 'pending', next_attempt_at = now() + make_interval(secs => %s) "
                         "WHERE id = %s", (delays[notification["attempts"] - 1], notification["id"]))
        conn.execute("INSERT INTO delivery_attempts (notification_id, outcome, detail) VALUES (%s, 'failed', %s)",
                     (notification["id"], error))


def _announce(conn, outcome: str, notification: dict, error: str | None = None) -> None:
    publish(conn, f"notifications.delivery.{outcome}", {
        "notification_id": str(notification["id"]), "recipient_id": str(notification["recipient_id"]),
        "kind": notification["kind"], "channel": notification["channel"], "attempts": notification["attempts"],
        "error": error}, source=SOURCE, subject=str(notification["id"]))
