"""A person's in-app inbox: notifications marked read, one or all."""
from __future__ import annotations

from datetime import datetime

from shared.auth.principal import Principal
from shared.errors import NotFound


def mark_read(cur, actor: Principal, notification_id) -> dict:
    """Marked read once: marking it again changes nothing. Another person's is not found."""
    cur.execute("UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = %s "
                "AND recipient_id::text = %s AND channel = 'in_app' RETURNING *", (notification_id, actor.subject))
    row = cur.fetchone()
    if row is None:
        raise NotFound("Notification not found", f"You have no notification {notification_id}.")
    return row


def mark_all_read(cur, actor: Principal, before: datetime | None = None) -> None:
    """Everything not read yet (or only what was created before `before`)."""
    cur.execute("UPDATE notifications SET read_at = now() WHERE recipient_id::text = %s AND channel = 'in_app' "
                "AND read_at IS NULL AND created_at < COALESCE(%s, now() + interval '1 second')",
                (actor.subject, before))
