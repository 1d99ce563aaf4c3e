"""Notifications' writes that are not a use case of their own: the copies of what the other
services announce, reminder rows, and the notification rows the operations decide on."""
from __future__ import annotations

from psycopg.types.json import Jsonb

from shared import rows


# --- Copies of the registry's people and memberships, and the events service's events and registrations

def copy_person(cur, person: dict) -> None:
    """The registry's latest state of a person (an older version never overwrites a newer one);
    the preferences they set here stay."""
    cur.execute(
        """INSERT INTO recipients (id, full_name, email, language, time_zone, consent_contact, status, version)
           VALUES (%(id)s, %(full_name)s, %(email)s, %(preferred_language)s, %(time_zone)s, %(consent_contact)s,
                   %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, email = excluded.email,
               language = excluded.language, time_zone = excluded.time_zone,
               consent_contact = excluded.consent_contact, status = excluded.status, version = excluded.version,
               copied_at = now()
           WHERE recipients.version < excluded.version""", person)


def copy_membership(cur, membership: dict) -> None:
    cur.execute(
        """INSERT INTO memberships (id, organization_id, person_id, is_admin, status)
           VALUES (%(id)s, %(organization_id)s, %(person_id)s, %(is_admin)s, %(status)s)
           ON CONFLICT (id) DO UPDATE SET status = 'ended' WHERE excluded.status = 'ended'""", membership)


def copy_event(cur, event: dict) -> dict:
    """Store the event's latest state (an older version never overwrites a newer one); that state."""
    cur.execute(
        """INSERT INTO events (id, title, kind, format, starts_at, ends_at, time_zone, status, visibility, online_url,
                               topics, series_id, organizer_ids, partner_ids, sequence, version)
           VALUES (%(id)s, %(title)s, %(kind)s, %(format)s, %(starts_at)s, %(ends_at)s, %(time_zone)s, %(status)s,
                   %(visibility)s, %(online_url)s, %(topics)s, %(series_id)s, %(organizer_ids)s, %(partner_ids)s,
                   %(sequence)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind, format = excluded.format,
               starts_at = excluded.starts_at, ends_at = excluded.ends_at, time_zone = excluded.time_zone,
               status = excluded.status, visibility = excluded.visibility, online_url = excluded.online_url,
               topics = excluded.topics, series_id = excluded.series_id, organizer_ids = excluded.organizer_ids,
               partner_ids = excluded.partner_ids, sequence = excluded.sequence, version = excluded.version
           WHERE events.version < excluded.version""",
        {**event, "title": Jsonb(event["title"])})
    return rows.get(cur, "events", event["id"])


def copy_registration(cur, registration: dict) -> dict:
    """Store the registration's status; a cancelled registration stays cancelled whatever comes late."""
    cur.execute(
        """INSERT INTO registrations (id, event_id, person_id, status, attendance)
           VALUES (%(id)s, %(event_id)s, %(person_id)s, %(status)s, %(attendance)s)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status,
               attendance = COALESCE(excluded.attendance, registrations.attendance)
           WHERE registrations.status <> 'cancelled'
           RETURNING *""", registration)
    return cur.fetchone() or rows.get(cur, "registrations", registration["id"])


# --- Reminders: rows with a due time, so that they survive restarts ---------------------------

def arm_reminder(cur, registration: dict, event: dict, lead: str, due_at) -> None:
    """(Re)arm one reminder for the event's current time; one whose time has passed is not armed."""
    cur.execute(
        """INSERT INTO reminders (registration_id, event_id, person_id, lead, due_at, event_sequence)
           SELECT %(reg)s, %(event)s, %(person)s, %(lead)s, %(due)s, %(seq)s WHERE %(due)s > now()
           ON CONFLICT (registration_id, lead) DO UPDATE
               SET due_at = excluded.due_at, event_sequence = excluded.event_sequence, status = 'pending',
                   fired_at = NULL
               WHERE reminders.event_sequence <> excluded.event_sequence OR reminders.status = 'dropped'""",
        {"reg": registration["id"], "event": event["id"], "person": registration["person_id"], "lead": lead,
         "due": due_at, "seq": event["sequence"]})


def drop_passed_reminders(cur, event_id) -> None:
    cur.execute("UPDATE reminders SET status = 'dropped' WHERE event_id = %s AND status = 'pending' "
                "AND due_at <= now()", (event_id,))


def drop_event_reminders(cur, event_id) -> None:
    cur.execute("UPDATE reminders SET status = 'dropped' WHERE event_id = %s AND status = 'pending'", (event_id,))


def drop_registration_reminders(cur, registration_id) -> None:
    cur.execute("UPDATE reminders SET status = 'dropped' WHERE registration_id = %s AND status = 'pending'",
                (registration_id,))


def settle_reminder(cur, reminder_id, status: str) -> None:
    cur.execute("UPDATE reminders SET status = %s, fired_at = now() WHERE id = %s", (status, reminder_id))


# --- Notifications ----------------------------------------------------------------------------

def add_notification(cur, values: dict) -> bool:
    """False when one with the same dedup key exists already (a redelivered message's)."""
    cur.execute(
        """INSERT INTO notifications (id, dedup_key, recipient_id, kind, channel, language, subject, body_text,
                                      body_html, event_id, link, status, next_attempt_at, message_id)
           VALUES (%(id)s, %(dedup_key)s, %(recipient_id)s, %(kind)s, %(channel)s, %(language)s, %(subject)s,
                   %(body_text)s, %(body_html)s, %(event_id)s, %(link)s, %(status)s, COALESCE(%(send_at)s, now()),
                   %(message_id)s)
           ON CONFLICT (dedup_key) DO NOTHING RETURNING id""", values)
    return cur.fetchone() is not None
