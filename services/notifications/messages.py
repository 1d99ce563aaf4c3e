"""What notifications tells the other services: the outcome of each email and webhook delivery,
written to the outbox in the caller's transaction (the fields that travel are the contract's,
shared/contracts/notifications.py)."""
from __future__ import annotations

from shared.bus.outbox import publish

SOURCE = "urn:birlikte:notifications"


def email_outcome(cur, outcome: str, notification: dict, error: str | None = None) -> str:
    """`notifications.delivery.sent` or `.failed` about an email."""
    return publish(cur.connection, f"notifications.delivery.{outcome}",
                   {**notification, "notification_id": notification["id"], "error": error},
                   source=SOURCE, subject=str(notification["id"]))


def webhook_outcome(cur, outcome: str, delivery: dict, status_code: int | None, error: str | None = None) -> str:
    """`notifications.delivery.webhook_delivered` or `.webhook_failed` about a webhook delivery."""
    return publish(cur.connection, f"notifications.delivery.{outcome}",
                   {**delivery, "delivery_id": delivery["id"], "status_code": status_code, "error": error},
                   source=SOURCE, subject=str(delivery["id"]))
