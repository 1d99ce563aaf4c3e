"""What the archive learns from the others: people's consent, events, who took part — and the
draft recording an online event leaves behind when it completes."""
from __future__ import annotations

from psycopg.types.json import Jsonb

from services.archive.messages import emit


def copy_person(cur, message) -> None:
    cur.execute(
        """INSERT INTO people (id, full_name, consent_recording, status, version)
           VALUES (%(id)s, %(full_name)s, %(consent_recording)s, %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, status = excluded.status,
               consent_recording = excluded.consent_recording, version = excluded.version
           WHERE people.version < excluded.version""", message.data)


def on_event(cur, message) -> None:
    data = message.data
    cur.execute(
        """INSERT INTO events (id, title, kind, format, starts_at, ends_at, status, visibility, organizer_ids, topics, version)
           VALUES (%(id)s, %(title)s, %(kind)s, %(format)s, %(starts_at)s, %(ends_at)s, %(status)s, %(visibility)s,
                   %(organizer_ids)s, %(topics)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind, format = excluded.format,
               starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status,
               visibility = excluded.visibility, organizer_ids = excluded.organizer_ids, topics = excluded.topics,
               version = excluded.version
           WHERE events.version < excluded.version""", {**data, "title": Jsonb(data["title"])})
    action = message.type.rsplit(".", 1)[1]
    if action == "completed" and data["format"] in ("online", "hybrid"):
        _draft_recording(cur, data)
    elif action == "cancelled":
        cur.execute("DELETE FROM items WHERE created_by = 'events' AND status = 'draft' AND file_key IS NULL "
                    "AND event_ids = ARRAY[%s]::uuid[]", (data["id"],))


def _draft_recording(cur, event: dict) -> None:
    """A draft waiting for its file; a safe-space (invitation-only) meeting stays with its participants."""
    cur.execute(
        """INSERT INTO items (type, media, title, language, published_on, topics, event_ids, organization_ids,
                              visibility, created_by)
           VALUES ('recording', 'video', %s, %s, %s::date, %s, ARRAY[%s]::uuid[], %s, %s, 'events')
           ON CONFLICT DO NOTHING RETURNING *""",
        (Jsonb(event["title"]), "tr" if "tr" in event["title"] else "en", event["starts_at"], event["topics"],
         event["id"], event["organizer_ids"], "participants" if event["visibility"] == "invitation" else "members"))
    item = cur.fetchone()
    if item is not None:
        emit(cur, "created", item)


def on_registration(cur, message) -> None:
    data = message.data
    cur.execute(
        """INSERT INTO registrations (id, event_id, person_id, status) VALUES (%(id)s, %(event_id)s, %(person_id)s, %(status)s)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status WHERE registrations.status <> 'cancelled'""", data)
