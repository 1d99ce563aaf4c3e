"""What the archive reads: lists and searches with their filters, captions, and the facts access
decisions and the consent rule need."""
from __future__ import annotations

import uuid
from datetime import datetime

from shared.errors import NotFound
from services.archive.access import Findable

# A query matches in either language: stemmed as Turkish, as English, and word for word.
SEARCH = ("(websearch_to_tsquery('turkish', %(q)s) || websearch_to_tsquery('english', %(q)s)"
          " || websearch_to_tsquery('simple', %(q)s))")
FILTERS = {"type": "type = %(type)s", "language": "language = %(language)s", "status": "status = %(status)s",
           "topic": "topics @> ARRAY[%(topic)s]::text[]", "event_id": "event_ids @> ARRAY[%(event_id)s]::uuid[]",
           "organization_id": "organization_ids @> ARRAY[%(organization_id)s]::uuid[]",
           "date_from": "published_on >= %(date_from)s", "date_to": "published_on <= %(date_to)s"}
RANKED_ORDER = ["rank", "id"]
NEWEST_ORDER = ["created_at", "id"]
KEY_TYPES = {"rank": float, "created_at": datetime, "id": uuid.UUID}  # what a cursor's values are read as


def order_of(filters: dict) -> list[str]:
    """The sort key of a listing's rows (its cursor's values): by relevance when searching."""
    return RANKED_ORDER if filters.get("q") else NEWEST_ORDER


def cursor_shape(filters: dict) -> tuple[type, ...]:
    return tuple(KEY_TYPES[column] for column in order_of(filters))


def items(cur, findable: Findable | None, filters: dict, cursor, limit: int) -> list[dict]:
    """A page of the items the caller may find (limit + 1 rows, with their captions): newest
    first, or with `q` ranked by relevance."""
    visibility, named = visibility_condition(findable)
    clauses = [visibility] + [sql for name, sql in FILTERS.items() if name in filters]
    named.update(filters)
    searching = bool(filters.get("q"))
    rank = f"ts_rank(search, {SEARCH})::float8" if searching else "NULL::float8"
    if searching:
        clauses.append(f"search @@ {SEARCH}")
    order, after = _ordering(searching, rank, cursor, named)
    if after:
        clauses.append(after)
    cur.execute(f"SELECT *, {rank} AS rank FROM items WHERE {' AND '.join(clauses)} "  # noqa: S608 (fixed pieces)
                f"ORDER BY {order} LIMIT %(fetch)s", {**named, "fetch": limit + 1})
    return captioned(cur, cur.fetchall())


def _ordering(searching: bool, rank: str, cursor, named: dict) -> tuple[str, str | None]:
    """ORDER BY, and the keyset condition for the rows after `cursor` (its values, read as
    cursor_shape says, go into `named`)."""
    if searching:
        if cursor is None:
            return "rank DESC, id", None
        named["after_rank"], named["after_id"] = cursor
        return "rank DESC, id", f"({rank} < %(after_rank)s OR ({rank} = %(after_rank)s AND id > %(after_id)s::uuid))"
    if cursor is None:
        return "created_at DESC, id DESC", None
    named["after_time"], named["after_id"] = cursor
    return "created_at DESC, id DESC", "(created_at, id) < (%(after_time)s::timestamptz, %(after_id)s::uuid)"


def visibility_condition(findable: Findable | None) -> tuple[str, dict]:
    """SQL (with named parameters) for the items a caller may find in a list or a search."""
    if findable is None:
        return "TRUE", {}
    clause = ("((status = 'published' AND (visibility = ANY(%(viewer_visibilities)s)"
              " OR (visibility = 'participants' AND event_ids && ARRAY(SELECT event_id FROM registrations"
              " WHERE person_id = %(viewer)s AND status = 'registered'))))"
              " OR organization_ids && %(viewer_admin_of)s::uuid[]"
              " OR event_ids && ARRAY(SELECT id FROM events WHERE organizer_ids && %(viewer_admin_of)s::uuid[]))")
    return clause, {"viewer_visibilities": list(findable.visibilities), "viewer": findable.person,
                    "viewer_admin_of": list(findable.admin_of)}


def with_captions(cur, item: dict) -> dict:
    return captioned(cur, [item])[0]


def captioned(cur, found: list[dict]) -> list[dict]:
    """The items, each with the languages it has captions in."""
    if not found:
        return found
    cur.execute("SELECT item_id, array_agg(language ORDER BY language) AS languages FROM captions "
                "WHERE item_id = ANY(%s) GROUP BY item_id", ([item["id"] for item in found],))
    languages = {row["item_id"]: row["languages"] for row in cur.fetchall()}
    return [{**item, "captions": languages.get(item["id"], [])} for item in found]


def captions(cur, item_id, language: str) -> dict:
    cur.execute("SELECT * FROM captions WHERE item_id = %s AND language = %s", (item_id, language))
    found = cur.fetchone()
    if found is None:
        raise NotFound("No captions", f"This recording has no {language} captions.")
    return found


def owners(cur, item: dict) -> set[str]:
    """The organizations that manage an item: its own, and the organizers of its events."""
    ids = {str(o) for o in item["organization_ids"]}
    if item["event_ids"]:
        cur.execute("SELECT DISTINCT unnest(organizer_ids)::text AS id FROM events WHERE id = ANY(%s)",
                    (item["event_ids"],))
        ids |= {row["id"] for row in cur.fetchall()}
    return ids


def takes_part(cur, person: uuid.UUID | None, event_ids: list) -> bool:
    """Whether the person is registered for one of the events."""
    if person is None or not event_ids:
        return False
    cur.execute("SELECT 1 FROM registrations WHERE person_id = %s AND status = 'registered' AND event_id = ANY(%s)",
                (person, event_ids))
    return cur.fetchone() is not None


def event_recording(cur, event_id) -> dict | None:
    """The event's first recording, if it has one (made from it, or added by someone)."""
    cur.execute("SELECT * FROM items WHERE type = 'recording' AND event_ids @> ARRAY[%s]::uuid[] "
                "ORDER BY created_at, id LIMIT 1", (event_id,))
    return cur.fetchone()


def consenting(cur, person_ids: list[str]) -> set[str]:
    """Those of the people who are active and agreed to be recorded."""
    cur.execute("SELECT id::text AS id FROM people "
                "WHERE id = ANY(%s::uuid[]) AND consent_recording AND status = 'active'", (person_ids,))
    return {row["id"] for row in cur.fetchall()}


def known_events(cur, event_ids: list) -> set[str]:
    """Those of the events the archive has a copy of."""
    cur.execute("SELECT id::text AS id FROM events WHERE id = ANY(%s::uuid[])", ([str(e) for e in event_ids],))
    return {row["id"] for row in cur.fetchall()}


def names_file(cur, key: str) -> bool:
    """Whether an item or its captions name the stored file `key`."""
    cur.execute("SELECT EXISTS (SELECT 1 FROM items WHERE file_key = %(key)s)"
                " OR EXISTS (SELECT 1 FROM captions WHERE file_key = %(key)s) AS named", {"key": key})
    return cur.fetchone()["named"]
