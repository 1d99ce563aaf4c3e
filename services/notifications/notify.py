"""Creating notifications: one per recipient, kind, cause and channel — never two.

The dedup key names the cause (`registration_confirmed:<registration>`, `reminder:<reg>:24h:<seq>`…);
the unique index on it turns a redelivered or replayed message into a no-op. Texts are rendered
here, in the recipient's language and time zone, so what is sent is what was decided.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from email.utils import parseaddr
from typing import Callable

from psycopg.types.json import Jsonb

from shared.config import Settings
from services.notifications import render, unsubscribe

# Kinds a daily-digest reader gets in the digest; the rest cannot wait.
DIGESTIBLE = {"event_new", "feedback_request", "recording_available"}
KINDS = ("registration_confirmed", "registration_waitlisted", "registration_promoted", "event_rescheduled",
         "event_cancelled", "event_reinstated", "event_new", "reminder", "feedback_request", "recording_available",
         "digest")


def channels_for(recipient: dict) -> list[str]:
    wanted = set(recipient["channels"])
    channels = []
    if "email" in wanted and recipient["consent_contact"]:
        channels.append("email")
    if "in_app" in wanted:
        channels.append("in_app")
    return channels


def notify(cur, settings: Settings, recipient: dict, kind: str, cause: str,
           context: Callable[[dict], dict], *, event_id=None, send_at: datetime | None = None) -> int:
    """The recipient's notifications of `kind` for `cause`, on each channel they want; how many were new."""
    if recipient["status"] != "active" or kind in recipient["muted_kinds"]:
        return 0
    created = 0
    for channel in channels_for(recipient):
        notification_id = uuid.uuid4()
        link = unsubscribe.url(settings, recipient["id"], kind) if channel == "email" and kind != "digest" else None
        text = render.render(kind, recipient["language"], {"name": recipient["full_name"], **context(recipient)}, link)
        cur.execute(
            """INSERT INTO notifications (id, dedup_key, recipient_id, kind, channel, language, subject, body_text,
                                          body_html, event_id, status, next_attempt_at, message_id)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, COALESCE(%s, now()), %s)
               ON CONFLICT (dedup_key) DO NOTHING RETURNING id""",
            (notification_id, f"{kind}:{cause}:{recipient['id']}:{channel}", recipient["id"], kind, channel,
             text.language, text.subject, text.text, text.html if channel == "email" else None, event_id,
             _status(recipient, kind, channel), send_at, _message_id(settings, notification_id)))
        created += cur.fetchone() is not None
    return created


def _status(recipient: dict, kind: str, channel: str) -> str:
    if channel == "in_app":
        return "stored"
    return "held" if recipient["digest"] == "daily" and kind in DIGESTIBLE else "pending"


def _message_id(settings: Settings, notification_id) -> str:
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "birlikte.example"
    return f"<{notification_id}@{domain}>"


def recipient(cur, person_id) -> dict | None:
    cur.execute("SELECT * FROM recipients WHERE id = %s", (person_id,))
    return cur.fetchone()


def as_json(value) -> Jsonb:
    return Jsonb(value)
