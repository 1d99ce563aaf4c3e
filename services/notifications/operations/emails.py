"""Sending emails that are due, exactly once as far as anyone can make it so.

A batch is claimed first (status `sending`, committed; shared/leases.py) so that other workers
skip it; each email's claim is renewed just before it is sent, and it is marked `sent` in its own
transaction with its attempt logged, only if the claim is still this worker's. A worker that dies
mid-send leaves its claim; after the lease (BIRLIKTE_SEND_LEASE_SECONDS) another worker sends it
again. A server that never accepted the message (the connection broke before its 250) has no
copy, so that is the one send; the only window for a duplicate is between the server's 250 and
our commit, and then the copy carries the same Message-ID.
"""
from __future__ import annotations

import logging
import smtplib

from shared import leases
from shared.config import Settings
from shared.mail import Mailer
from services.notifications import messages, queries
from services.notifications.mailer import build

log = logging.getLogger(__name__)
BATCH = 100
EMAILS = leases.Due("notifications", when="status = 'pending' AND next_attempt_at <= now()",
                    eligible="channel = 'email'", order="next_attempt_at",
                    claim="status = 'sending', attempts = attempts + 1", claimed="status = 'sending'")


def send_due(pool, settings: Settings) -> int:
    """Send every email that is due; returns how many were accepted by the SMTP server."""
    return leases.drain(pool, EMAILS, lambda batch: _send_batch(pool, settings, batch), batch=BATCH,
                        lease_seconds=settings.send_lease_seconds)


def _send_batch(pool, settings: Settings, batch: list[dict]) -> int:
    with pool.connection() as conn, conn.cursor() as cur:
        recipients = queries.mail_recipients(cur, [n["recipient_id"] for n in batch])
    mailer, sent = Mailer(settings), 0
    try:
        for notification in batch:
            sent += _send_one(pool, settings, mailer, notification, recipients[notification["recipient_id"]])
    finally:
        mailer.close()
    return sent


def _send_one(pool, settings: Settings, mailer: Mailer, notification: dict, recipient: dict) -> int:
    # The batch was claimed together, but each email is sent on a lease of its own: one that a
    # slow batch let expire (and another worker took) is not sent from here as well.
    with pool.connection() as conn:
        if not leases.renew(conn, EMAILS, notification):
            return 0
    try:
        mailer.send(build(settings, notification, recipient))
    except (smtplib.SMTPException, OSError) as exc:
        mailer.close()
        _failed(pool, settings, notification, f"{type(exc).__name__}: {exc}"[:500])
        return 0
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        # Sent is sent, whoever holds the claim now: marking it stops a worker that took the claim
        # over (a send slower than the lease) from sending it again.
        cur.execute("UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = %s AND status = 'sending' "
                    "RETURNING 1", (notification["id"],))
        if cur.fetchone() is None:
            return 0
        _log_attempt(cur, notification, "sent")
        messages.email_outcome(cur, "sent", notification)
    return 1


def _failed(pool, settings: Settings, notification: dict, error: str) -> None:
    delays = settings.notification_retry_delays
    log.warning("email not accepted", extra={"notification": str(notification["id"]), "error": error})
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        if not leases.hold(conn, EMAILS, notification):
            return
        if notification["attempts"] > len(delays):
            cur.execute("UPDATE notifications SET status = 'failed' WHERE id = %s", (notification["id"],))
            messages.email_outcome(cur, "failed", notification, error)
        else:
            cur.execute("UPDATE notifications SET status = 'pending', "
                        "next_attempt_at = now() + make_interval(secs => %s) WHERE id = %s",
                        (delays[notification["attempts"] - 1], notification["id"]))
        _log_attempt(cur, notification, "failed", error)


def _log_attempt(cur, notification: dict, outcome: str, detail: str | None = None) -> None:
    cur.execute("INSERT INTO delivery_attempts (notification_id, outcome, detail) VALUES (%s, %s, %s)",
                (notification["id"], outcome, detail))
