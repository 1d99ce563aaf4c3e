"""Telling people: one notification per recipient, kind, cause and channel — never two.

The dedup key names the cause (`registration_confirmed:<registration>`, `reminder:<reg>:24h:<seq>`…);
the unique index on it turns a redelivered or replayed message into a no-op. Texts are rendered
here, in the recipient's language and time zone, so what is sent is what was decided.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr

from shared import rows
from shared.config import Settings
from services.notifications import links, queries, render, store, unsubscribe

# Kinds a daily-digest reader gets in the digest; the rest cannot wait.
DIGESTIBLE = {"event_new", "feedback_request", "recording_available"}
ATTENDEES_AFTER = timedelta(minutes=30)  # recordings reach those who missed the event first


def channels_for(recipient: dict, kind: str) -> list[str]:
    """The channels the recipient wants for `kind` (their choice for that kind, else their
    general one); email only with their consent to be contacted."""
    wanted = set(recipient["kind_channels"].get(kind, recipient["channels"]))
    channels = []
    if "email" in wanted and recipient["consent_contact"]:
        channels.append("email")
    if "in_app" in wanted:
        channels.append("in_app")
    return channels


def status_for(recipient: dict, kind: str, channel: str) -> str:
    """An in-app notification is stored; an email is sent, or held for a daily-digest reader's digest."""
    if channel == "in_app":
        return "stored"
    return "held" if recipient["digest"] == "daily" and kind in DIGESTIBLE else "pending"


def notify(cur, settings: Settings, recipient: dict, kind: str, cause: str, context: dict, *, link: str,
           event_id=None, send_at: datetime | None = None) -> int:
    """The recipient's notifications of `kind` for `cause`, on each channel they want, its text
    rendered with `context`, leading to `link` (the web app's page it is about); how many were new."""
    if recipient["status"] != "active" or kind in recipient["muted_kinds"]:
        return 0
    created = 0
    for channel in channels_for(recipient, kind):
        notification_id = uuid.uuid4()
        leave = unsubscribe.url(settings, recipient["id"], kind) if channel == "email" and kind != "digest" else None
        text = render.render(kind, recipient["language"], {"name": recipient["full_name"], "link": link, **context},
                             leave)
        created += store.add_notification(cur, {
            "id": notification_id, "dedup_key": f"{kind}:{cause}:{recipient['id']}:{channel}",
            "recipient_id": recipient["id"], "kind": kind, "channel": channel, "language": text.language,
            "subject": text.subject, "body_text": text.text, "body_html": text.html if channel == "email" else None,
            "event_id": event_id, "link": link, "status": status_for(recipient, kind, channel), "send_at": send_at,
            "message_id": _message_id(settings, notification_id)})
    return created


def _message_id(settings: Settings, notification_id) -> str:
    """The email's Message-ID, the same on every attempt: a resent copy is known for what it is."""
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "birlikte.example"
    return f"<{notification_id}@{domain}>"


def tell_of_event(cur, settings: Settings, person: dict, kind: str, cause: str, event: dict, *,
                  with_link: bool = False, previous_starts_at: datetime | None = None,
                  send_at: datetime | None = None, link: str | None = None, **extra) -> int:
    """One person, of an event: its title and times on their clock, in their language; leading to
    the event's page (links.of_event) unless `link` says otherwise."""
    context = render.event_context(event, person, with_link=with_link, previous_starts_at=previous_starts_at)
    return notify(cur, settings, person, kind, cause, {**context, **extra},
                  link=link or links.of_event(settings, kind, event["id"]), event_id=event["id"], send_at=send_at)


def tell_registered(cur, settings: Settings, event: dict, kind: str, cause: str, **details) -> int:
    """Everyone with a live registration (registered or waitlisted) of the event."""
    return sum(tell_of_event(cur, settings, person, kind, cause, event, **details)
               for person in queries.live_registrants(cur, event["id"]))


def tell_followers(cur, settings: Settings, event: dict) -> None:
    """A new event in a topic or series someone follows (not invitation-only ones)."""
    if event["visibility"] == "invitation":
        return
    for person in queries.followers(cur, event):
        tell_of_event(cur, settings, person, "event_new", str(event["id"]), event)


def tell_of_item(cur, settings: Settings, item: dict) -> None:
    """A recording or publication of events is out: their registered people hear of it — those
    who missed the event at once, those who came a little later."""
    for person in queries.registered_for_any(cur, item["event_ids"]):
        later = None if person["attendance"] != "attended" else datetime.now(timezone.utc) + ATTENDEES_AFTER
        tell_of_event(cur, settings, person, "recording_available", str(item["id"]),
                      rows.get(cur, "events", person["event_id"]), send_at=later,
                      link=links.item(settings, item["id"]), item_type=item["type"],
                      item_title=render.title_in(item["title"], person["language"]))
