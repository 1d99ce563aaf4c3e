"""The archive's writes that are not a use case of their own: its copies of what the registry and
events say, items' values as their columns hold them, captions."""
from __future__ import annotations

from psycopg.types.json import Jsonb

from services.archive.intake import Received

JSON_COLUMNS = ("title", "description", "speakers")
# An event's automatic draft recording is marked by where it came from: one per event (the
# items_event_recording index), dropped with the event while nobody has touched it.
FROM_EVENTS = "events"


def as_stored(values: dict) -> dict:
    """The values as the columns give them back: a speaker's person_id as text, as JSON holds it."""
    if "speakers" not in values:
        return values
    speakers = [{**s, "person_id": str(s["person_id"])} if s.get("person_id") else s for s in values["speakers"]]
    return {**values, "speakers": speakers}


def to_db(values: dict) -> dict:
    """The values as an insert or update binds them."""
    return {name: Jsonb(value) if name in JSON_COLUMNS else value for name, value in as_stored(values).items()}


def put_captions(cur, item_id, language: str, received: Received) -> str | None:
    """The captions in place of any in that language; the key of the file they replace, if any."""
    cur.execute("SELECT file_key FROM captions WHERE item_id = %s AND language = %s AND kind = 'captions' FOR UPDATE",
                (item_id, language))
    replaced = cur.fetchone()
    cur.execute("""INSERT INTO captions (item_id, language, file_key, file_size, file_sha256)
                   VALUES (%s, %s, %s, %s, %s)
                   ON CONFLICT (item_id, language, kind) DO UPDATE SET file_key = excluded.file_key,
                       file_size = excluded.file_size, file_sha256 = excluded.file_sha256, created_at = now()""",
                (item_id, language, received.key, received.size, received.sha256))
    return replaced["file_key"] if replaced else None


def lock_event_recordings(cur, event_id) -> None:
    """Until the transaction ends, be the only one deciding whether the event has its recording
    (the draft its completion leaves, the demo's): two at once would each find none and add one."""
    cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"archive.recording:{event_id}",))


def delete_event_draft(cur, event_id) -> None:
    """The event's automatic draft recording, if it is still a draft without a file."""
    cur.execute("DELETE FROM items WHERE created_by = %s AND status = 'draft' AND file_key IS NULL "
                "AND event_ids = ARRAY[%s]::uuid[]", (FROM_EVENTS, event_id))


def copy_person(cur, person: dict) -> None:
    """The registry's latest word on a person: their name, status and consent to being recorded."""
    cur.execute(
        """INSERT INTO people (id, full_name, consent_recording, status, version)
           VALUES (%(id)s, %(full_name)s, %(consent_recording)s, %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, status = excluded.status,
               consent_recording = excluded.consent_recording, version = excluded.version
           WHERE people.version < excluded.version""", person)


def copy_event(cur, event: dict) -> None:
    cur.execute(
        """INSERT INTO events (id, title, kind, format, starts_at, ends_at, status, visibility, organizer_ids, topics, version)
           VALUES (%(id)s, %(title)s, %(kind)s, %(format)s, %(starts_at)s, %(ends_at)s, %(status)s, %(visibility)s,
                   %(organizer_ids)s, %(topics)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind, format = excluded.format,
               starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status,
               visibility = excluded.visibility, organizer_ids = excluded.organizer_ids, topics = excluded.topics,
               version = excluded.version
           WHERE events.version < excluded.version""", {**event, "title": Jsonb(event["title"])})


def copy_registration(cur, registration: dict) -> None:
    """Who is registered for which event (a cancelled registration stays cancelled)."""
    cur.execute(
        """INSERT INTO registrations (id, event_id, person_id, status) VALUES (%(id)s, %(event_id)s, %(person_id)s, %(status)s)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status WHERE registrations.status <> 'cancelled'""",
        registration)
