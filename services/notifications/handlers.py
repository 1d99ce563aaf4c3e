"""What each message means for whom: the notifications worker's handlers.

Each runs inside the consumer's inbox transaction, so its notifications, reminders and copies
commit together with the record that the message was handled — a redelivery changes nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared.config import Settings
from services.notifications import notify, reminders, render, webhooks
from services.notifications.events import NotYetKnown, copy_event, copy_registration, event_context, load_event

LIVE = ("registered", "waitlisted")
ATTENDEES_AFTER = timedelta(minutes=30)  # recordings reach those who missed the event first


def copy_person(settings: Settings, cur, message) -> None:
    cur.execute(
        """INSERT INTO recipients (id, full_name, email, language, time_zone, consent_contact, status, version)
           VALUES (%(id)s, %(full_name)s, %(email)s, %(preferred_language)s, %(time_zone)s, %(consent_contact)s,
                   %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, email = excluded.email,
               language = excluded.language, time_zone = excluded.time_zone,
               consent_contact = excluded.consent_contact, status = excluded.status, version = excluded.version,
               copied_at = now()
           WHERE recipients.version < excluded.version""", message.data)


def copy_membership(settings: Settings, cur, message) -> None:
    cur.execute(
        """INSERT INTO memberships (id, organization_id, person_id, is_admin, status)
           VALUES (%(id)s, %(organization_id)s, %(person_id)s, %(is_admin)s, %(status)s)
           ON CONFLICT (id) DO UPDATE SET status = 'ended' WHERE excluded.status = 'ended'""", message.data)


def on_event(settings: Settings, cur, message) -> None:
    action = message.type.rsplit(".", 1)[1]
    data = message.data
    event = copy_event(cur, data)
    if action == "scheduled":
        _tell_followers(settings, cur, event)
    elif action == "rescheduled":
        _tell_registered(settings, cur, event, "event_rescheduled", f"{event['id']}:{data['sequence']}",
                         previous_starts_at=data["previous_starts_at"])
        reminders.move(cur, event)
    elif action == "cancelled":
        _tell_registered(settings, cur, event, "event_cancelled", str(event["id"]), reason=data.get("reason"))
        reminders.drop_for_event(cur, event["id"])
    elif action == "reinstated":  # cancelled, then back on: registrations were kept, so are their reminders
        _tell_registered(settings, cur, event, "event_reinstated", f"{event['id']}:{data['sequence']}")
        reminders.move(cur, event)


def on_registration(settings: Settings, cur, message) -> None:
    action = message.type.rsplit(".", 1)[1]
    data = message.data
    event = load_event(cur, data["event_id"])
    registration = copy_registration(cur, data)
    person = notify.recipient(cur, data["person_id"])
    if person is None:
        raise NotYetKnown(f"person {data['person_id']}")
    cause = str(registration["id"])
    if action in ("created", "promoted") and registration["status"] == "registered":
        kind = "registration_confirmed" if action == "created" else "registration_promoted"
        notify.notify(cur, settings, person, kind, cause,
                      lambda r: event_context(event, r, with_link=True), event_id=event["id"])
        reminders.plan(cur, registration, event)
    elif action == "created" and registration["status"] == "waitlisted":
        notify.notify(cur, settings, person, "registration_waitlisted", cause,
                      lambda r: {**event_context(event, r, with_link=False),
                                 "position": data.get("waitlist_position")}, event_id=event["id"])
    elif action == "cancelled":
        reminders.drop_for_registration(cur, registration["id"])
    elif action == "attended":
        notify.notify(cur, settings, person, "feedback_request", cause,
                      lambda r: event_context(event, r, with_link=False), event_id=event["id"])


def on_archive_item(settings: Settings, cur, message) -> None:
    """A recording or publication of an event is out: tell its registered people — those who
    missed the event first (at once), those who came a little later."""
    if message.type != "archive.item.published" or not message.data["event_ids"]:
        return
    item = message.data
    cur.execute("""SELECT DISTINCT ON (p.id) p.*, g.attendance, e.id AS event_id FROM registrations g
                   JOIN recipients p ON p.id = g.person_id JOIN events e ON e.id = g.event_id
                   WHERE g.event_id = ANY(%s::uuid[]) AND g.status = 'registered'""", (item["event_ids"],))
    for person in cur.fetchall():
        later = None if person["attendance"] != "attended" else datetime.now(timezone.utc) + ATTENDEES_AFTER
        event = load_event(cur, person["event_id"])
        notify.notify(cur, settings, person, "recording_available", str(item["id"]),
                      lambda r: {**event_context(event, r, with_link=False), "item_type": item["type"],
                                 "item_title": render.title_in(item["title"], r["language"])},
                      event_id=event["id"], send_at=later)


def _tell_registered(settings: Settings, cur, event: dict, kind: str, cause: str, **extra) -> int:
    """Everyone with a live registration (registered or waitlisted) of the event."""
    cur.execute("""SELECT p.* FROM registrations g JOIN recipients p ON p.id = g.person_id
                   WHERE g.event_id = %s AND g.status = ANY(%s)""", (event["id"], list(LIVE)))
    previous = extra.pop("previous_starts_at", None)
    told = 0
    for person in cur.fetchall():
        told += notify.notify(cur, settings, person, kind, cause,
                              lambda r: {**event_context(event, r, with_link=False, previous_starts_at=previous),
                                         **extra}, event_id=event["id"])
    return told


def _tell_followers(settings: Settings, cur, event: dict) -> None:
    """A new event in a topic or series someone follows (not invitation-only ones)."""
    if event["visibility"] == "invitation":
        return
    cur.execute("SELECT * FROM recipients WHERE followed_topics && %s::text[] OR %s = ANY(followed_series)",
                (event["topics"], event["series_id"]))
    for person in cur.fetchall():
        notify.notify(cur, settings, person, "event_new", str(event["id"]),
                      lambda r: event_context(event, r, with_link=False), event_id=event["id"])
