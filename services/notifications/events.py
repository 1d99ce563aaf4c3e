"""What notifications knows of events and registrations: copies fed by `events.*` messages."""
from __future__ import annotations

from datetime import datetime

from psycopg.types.json import Jsonb

from services.notifications import render


class NotYetKnown(Exception):
    """A message refers to something whose own message has not arrived yet: retry later."""


def copy_event(cur, data: dict) -> dict:
    """Store the event's latest state (an older version never overwrites a newer one)."""
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
        {**data, "title": Jsonb(data["title"])})
    return load_event(cur, data["id"])


def load_event(cur, event_id) -> dict:
    cur.execute("SELECT * FROM events WHERE id = %s", (event_id,))
    event = cur.fetchone()
    if event is None:
        raise NotYetKnown(f"event {event_id}")
    return event


def copy_registration(cur, data: dict) -> dict:
    """Store the registration's status; a cancelled registration stays cancelled whatever comes late."""
    cur.execute(
        """INSERT INTO registrations (id, event_id, person_id, status, attendance)
           VALUES (%(id)s, %(event_id)s, %(person_id)s, %(status)s, %(attendance)s)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status,
               attendance = COALESCE(excluded.attendance, registrations.attendance)
           WHERE registrations.status <> 'cancelled'
           RETURNING *""", data)
    row = cur.fetchone()
    if row is None:
        cur.execute("SELECT * FROM registrations WHERE id = %s", (data["id"],))
        row = cur.fetchone()
    return row


def event_context(event: dict, recipient: dict, *, with_link: bool, previous_starts_at: datetime | None = None) -> dict:
    """What a template says about an event, on the recipient's clock and in their language."""
    zone, language = recipient["time_zone"], recipient["language"]
    context = {"event": render.event_view(event, zone, language, with_link=with_link)}
    if previous_starts_at is not None:
        context["previous_starts"] = render.when(previous_starts_at, zone, language)
    return context
