"""The events service's writes that are not a use case of their own: how rows hold their texts,
the local copies of the registry, the seat and vote counters, an import's bookkeeping."""
from __future__ import annotations

import json
from datetime import timedelta

from psycopg.types.json import Jsonb

from shared import rows
from shared.bus.envelope import Message

JSON_COLUMNS = ("title", "description", "venue", "speakers")


def json_ready(value):
    """Nested data as plain JSON values (UUIDs as strings), so that it compares equal to what is stored."""
    return json.loads(json.dumps(value, default=str))


def normalize(values: dict) -> dict:
    return {k: json_ready(v) if k in JSON_COLUMNS and v is not None else v for k, v in values.items()}


def to_db(values: dict) -> dict:
    return {k: Jsonb(v) if k in JSON_COLUMNS and v is not None else v for k, v in normalize(values).items()}


# --- Local copies of the registry's organizations, people and memberships ---------------------
# Events never reads the registry's schema. Each copy keeps the registry's version, so a message
# that arrives late (after a retry, say) never overwrites a newer state with an older one.

def copy_organization(cur, message: Message) -> None:
    cur.execute(
        """INSERT INTO organizations (id, name, country, roles, status, version)
           VALUES (%(id)s, %(name)s, %(country)s, %(roles)s, %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country,
               roles = excluded.roles, status = excluded.status, version = excluded.version, copied_at = now()
           WHERE organizations.version < excluded.version""", message.data)


def copy_person(cur, message: Message) -> None:
    cur.execute(
        """INSERT INTO people (id, full_name, time_zone, preferred_language, status, version)
           VALUES (%(id)s, %(full_name)s, %(time_zone)s, %(preferred_language)s, %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, time_zone = excluded.time_zone,
               preferred_language = excluded.preferred_language, status = excluded.status,
               version = excluded.version, copied_at = now()
           WHERE people.version < excluded.version""", message.data)


def copy_membership(cur, message: Message) -> None:
    # Memberships only ever go from active to ended, so "ended" wins whatever the order.
    cur.execute(
        """INSERT INTO memberships (id, organization_id, person_id, kind, is_admin, status)
           VALUES (%(id)s, %(organization_id)s, %(person_id)s, %(kind)s, %(is_admin)s, %(status)s)
           ON CONFLICT (id) DO UPDATE SET status = 'ended', copied_at = now()
           WHERE excluded.status = 'ended'""", message.data)


# --- Seats ------------------------------------------------------------------------------------

def has_room(event: dict) -> bool:
    return event["capacity"] is None or event["registered_count"] < event["capacity"]


def count_change(cur, event: dict, *, registered: int = 0, waitlisted: int = 0) -> dict:
    """The event with its counters moved by these numbers."""
    cur.execute("""UPDATE events SET registered_count = registered_count + %s, waitlist_count = waitlist_count + %s
                   WHERE id = %s RETURNING *""", (registered, waitlisted, event["id"]))
    return cur.fetchone()


def add_registration(cur, event: dict, values: dict) -> tuple[dict, dict]:
    """A registration for the event (locked by the caller): registered while it has room, else
    waitlisted, and counted; the registration and the event as counted."""
    status = "registered" if has_room(event) else "waitlisted"
    row = rows.insert(cur, "registrations", {**values, "event_id": event["id"], "status": status})
    return row, count_change(cur, event, registered=int(status == "registered"), waitlisted=int(status == "waitlisted"))


def promote_first_waiting(cur, event_id) -> dict | None:
    """The first on the event's waitlist, now registered (None when no one waits)."""
    cur.execute("""UPDATE registrations SET status = 'registered', promoted_at = now(), updated_at = now(),
                       version = version + 1
                   WHERE id = (SELECT id FROM registrations WHERE event_id = %s AND status = 'waitlisted'
                               ORDER BY arrival LIMIT 1)
                   RETURNING *""", (event_id,))
    return cur.fetchone()


# --- Votes ------------------------------------------------------------------------------------

def add_vote(cur, topic_id, organization_id, voted_by: str) -> dict | None:
    """The topic with the organization's vote counted; None when it had voted already (the
    table's primary key is the rule)."""
    cur.execute("INSERT INTO topic_votes (topic_id, organization_id, voted_by) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING RETURNING 1", (topic_id, organization_id, voted_by))
    return _count_vote(cur, topic_id, +1) if cur.fetchone() else None


def remove_vote(cur, topic_id, organization_id) -> dict | None:
    """The topic without the organization's vote; None when it had not voted."""
    cur.execute("DELETE FROM topic_votes WHERE topic_id = %s AND organization_id = %s RETURNING 1",
                (topic_id, organization_id))
    return _count_vote(cur, topic_id, -1) if cur.fetchone() else None


def _count_vote(cur, topic_id, change: int) -> dict:
    cur.execute("UPDATE topics SET votes = votes + %s, version = version + 1, updated_at = now() "
                "WHERE id = %s RETURNING *", (change, topic_id))
    return cur.fetchone()


# --- Calendar imports -------------------------------------------------------------------------

def adopt(cur, event_id, import_id) -> None:
    """The event is the import's now (pushed by id before, or brought by a feed since removed)."""
    cur.execute("UPDATE events SET calendar_import_id = %s WHERE id = %s", (import_id, event_id))


def record_fetch(cur, current: dict, claimed: dict, outcome: str, *, error: str | None, report: dict,
                 validators: tuple[str | None, str | None], interval: timedelta) -> dict:
    """A fetch's outcome, the feed's validators (ETag, Last-Modified) and the next fetch — unless
    someone asked for one meanwhile (POST …/fetch, PATCH): then theirs stands."""
    cur.execute(
        """UPDATE calendar_imports SET last_outcome = %(outcome)s, last_error = %(error)s, last_report = %(report)s,
                  last_fetched_at = now(), claimed_at = NULL,
                  last_applied_at = CASE WHEN %(outcome)s = 'imported' THEN now() ELSE last_applied_at END,
                  next_fetch_at = CASE WHEN next_fetch_at = %(claimed)s THEN now() + %(interval)s ELSE next_fetch_at END,
                  etag = %(etag)s, last_modified = %(last_modified)s, version = version + 1, updated_at = now()
           WHERE id = %(id)s RETURNING *""",  # a new version: a client polling the import with its ETag sees the outcome
        {"outcome": outcome, "error": error, "report": Jsonb(report), "claimed": claimed["next_fetch_at"],
         "interval": interval, "etag": validators[0], "last_modified": validators[1], "id": current["id"]})
    return cur.fetchone()
