"""Sending emails that are due, exactly once as far as anyone can make it so.

A batch is claimed first (status `sending`, committed; shared/leases.py) so that other workers
skip it. Each email is then sent inside a transaction of its own that locks its row, if the claim
is still this worker's, for as long as the server takes to accept it: a worker that finds the claim
expired (a slow batch, a slow server) skips a locked row, so no two workers ever have the same email
on the wire, however the lease, the batch and the server's speed compare. The row is marked `sent`,
with its attempt logged, in that same transaction. A worker that dies mid-send leaves its claim (its
lock goes with its connection); after the lease (BIRLIKTE_SEND_LEASE_SECONDS) another worker sends
it again. A server that never accepted the message (the connection broke before its 250) has no
copy, so that is the one send; the only window for a duplicate is between the server's 250 and
our commit, and then the copy carries the same Message-ID.

An email that fails fails alone: one that cannot even be built (an address no server would take)
is marked failed at once, one the server refused is retried later, each with its reason logged,
and the rest of the batch goes on.
"""
from __future__ import annotations

import logging

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
            sent += _send_one(pool, settings, mailer, notification, recipients.get(notification["recipient_id"]))
    finally:
        mailer.close()
    return sent


def _send_one(pool, settings: Settings, mailer: Mailer, notification: dict, recipient: dict | None) -> int:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        # The batch was claimed together; this email is locked alone, for the time of its send. A
        # claim that a slow batch let expire, and another worker took, is not sent from here as well.
        if not leases.hold(conn, EMAILS, notification, skip_locked=True):
            return 0
        try:
            message = build(settings, notification, _known(recipient))
        except Exception as exc:  # what we hold, not the server: trying again would not change it
            _failed(cur, settings, notification, _reason(exc), final=True)
            return 0
        try:
            mailer.send(message)
        except Exception as exc:  # refused, unreachable, or broken mid-way: this email alone, later
            mailer.close()
            _failed(cur, settings, notification, _reason(exc))
            return 0
        cur.execute("UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = %s", (notification["id"],))
        _log_attempt(cur, notification, "sent")
        messages.email_outcome(cur, "sent", notification)
    return 1


def _known(recipient: dict | None) -> dict:
    if recipient is None:
        raise LookupError("the recipient is no longer known")
    return recipient


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _failed(cur, settings: Settings, notification: dict, error: str, *, final: bool = False) -> None:
    """Settle a failed attempt of an email whose row the caller holds: failed for good when `final`
    or out of retries, otherwise pending again after the next delay."""
    delays = settings.notification_retry_delays
    log.warning("email not accepted", extra={"notification": str(notification["id"]), "error": error})
    if final or notification["attempts"] > len(delays):
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
