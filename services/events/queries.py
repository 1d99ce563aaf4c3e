"""What the events service reads: lists with their filters, feeds, and the facts rules and
access decisions need (the local copies of the registry among them)."""
from __future__ import annotations

from shared import rows
from shared.errors import NotFound
from services.events.errors import NotOurs
from shared.digests import digest

EVENT_ORDER = ["starts_at", "id"]
REGISTRATION_ORDER = ["arrival"]
CREATED_ORDER = ["created_at", "id"]
PLACEMENT_ORDER = ["starts_on", "id"]


def _equal(filters: dict, names) -> list[tuple[str, tuple]]:
    return [(f"{name} = %s", (filters[name],)) for name in names if name in filters]


# --- Events -----------------------------------------------------------------------------------

def events(cur, filters: dict, visible: tuple[str, tuple], cursor, limit: int) -> list[dict]:
    """Events matching `filters` among those the `visible` condition lets the caller see."""
    conditions = [visible, *_equal(filters, ("kind", "format", "status", "series_id"))]
    if "starts_from" in filters:
        conditions.append(("starts_at >= %s", (filters["starts_from"],)))
    if "starts_before" in filters:
        conditions.append(("starts_at < %s", (filters["starts_before"],)))
    if "topic" in filters:
        conditions.append(("topics @> ARRAY[%s]::text[]", (filters["topic"],)))
    if filters.get("ids"):
        conditions.append(("id = ANY(%s::uuid[])", (filters["ids"],)))
    if "organization_id" in filters:
        org = filters["organization_id"]
        conditions.append(("(organizer_ids @> ARRAY[%s]::uuid[] OR host_id = %s OR partner_ids @> ARRAY[%s]::uuid[])",
                           (org, org, org)))
    conditions += [(f"{_SEARCHED} LIKE %s ESCAPE '\\'", (*_FOLDING, f"%{_escaped(word)}%"))
                   for word in search_words(filters.get("q", ""))]
    return rows.page(cur, "events", conditions, EVENT_ORDER, cursor, limit)


# A search finds words in an event's title and description, in either language, whatever the
# case and whether or not they were typed with Turkish letters (or Irish and German ones).
_FOLDING = ("çğıöşüâîûáéíóúäëïàèìòù", "cgiosuaiuaeiouaeiaeiou")
_SEARCHED = ("translate(lower(concat_ws(' ', title->>'tr', title->>'en', description->>'tr', description->>'en')),"
             " %s, %s)")
MAX_SEARCH_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of a search, folded as _SEARCHED folds the events' texts."""
    folded = text.replace("İ", "i").replace("I", "i").lower().translate(str.maketrans(*_FOLDING))
    return list(dict.fromkeys(folded.split()))[:MAX_SEARCH_WORDS]


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def managed_events(cur, filters: dict, managed: tuple[str, tuple], cursor, limit: int) -> list[dict]:
    """The events the `managed` condition lets the caller manage, latest start first (the
    events_order index read backwards); `cursor` is the (starts_at, id) of the last one seen."""
    condition, params = managed
    clauses, values = [condition], list(params)
    if "status" in filters:
        clauses.append("status = %s")
        values.append(filters["status"])
    if cursor:
        rows.keyset(EVENT_ORDER, cursor)  # refuses a cursor of another listing
        clauses.append("(starts_at, id) < (%s, %s)")
        values.extend(cursor)
    cur.execute(f"SELECT * FROM events WHERE {' AND '.join(clauses)} "  # noqa: S608 (fixed pieces)
                "ORDER BY starts_at DESC, id DESC LIMIT %s", (*values, limit + 1))
    return cur.fetchall()


def is_registered(cur, event_id, person_id) -> bool:
    return event_id in registered_among(cur, person_id, [event_id])


def registered_among(cur, person_id, event_ids) -> set:
    """The events among `event_ids` the person holds a seat at."""
    if person_id is None or not event_ids:
        return set()
    cur.execute("SELECT event_id FROM registrations WHERE person_id = %s AND status = 'registered' "
                "AND event_id = ANY(%s)", (person_id, list(event_ids)))
    return {row["event_id"] for row in cur.fetchall()}


def external_event(cur, organization_id, external_id: str, *, for_update: bool = False) -> dict | None:
    """The organization's event it knows by its own id; `for_update` locks it."""
    if for_update:  # two first PUTs of one id at once: the second waits and then finds the first's row
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"external:{organization_id}:{external_id}",))
    cur.execute("SELECT * FROM events WHERE external_source = %s AND external_id = %s"
                + (" FOR UPDATE" if for_update else ""), (organization_id, external_id))
    return cur.fetchone()


def changes(cur, position: tuple, visible: tuple[str, dict], limit: int) -> list[dict]:
    """Up to limit + 1 changes after `position` (txid, seq) that the `visible` condition lets
    the caller read — only those below every transaction of this database still running, so that
    one committing late is served later, never skipped (feed_horizon: migration 0007)."""
    condition, params = visible
    cur.execute(
        # ORDER BY the column, not the text alias: text order puts txid 10 before 9 (and skips 9).
        f"""SELECT txid::text AS txid, seq, event_id, type, payload, created_at FROM changes
            WHERE (txid, seq) > (%(txid)s::xid8, %(seq)s)
              AND txid < (SELECT feed_horizon())
              AND {condition}
            ORDER BY changes.txid, seq LIMIT %(limit)s""",  # noqa: S608 (fixed pieces)
        {**params, "txid": str(position[0]), "seq": int(position[1]), "limit": limit + 1})
    return cur.fetchall()


def feed_held_back_by(cur, seconds: float) -> dict | None:
    """The oldest transaction of this database that has run for more than `seconds` (its txid as
    text, pid and start): the feed serves nothing past it until it ends."""
    cur.execute("SELECT txid::text AS txid, pid, since FROM feed_held_back_by(make_interval(secs => %s))", (seconds,))
    return cur.fetchone()


# --- Registrations, attendance, feedback ------------------------------------------------------

def registrations(cur, event_id, filters: dict, visible: set[str] | None, viewer: str, cursor,
                  limit: int) -> list[dict]:
    """The event's registrations of the `visible` organizations (None: all) and the viewer's own."""
    conditions = [("event_id = %s", (event_id,))]
    if visible is not None:
        conditions.append(("(organization_id = ANY(%s::uuid[]) OR person_id::text = %s)", (sorted(visible), viewer)))
    conditions += _equal(filters, ("status",))
    return rows.page(cur, "registrations", conditions, REGISTRATION_ORDER, cursor, limit)


def registrations_of(cur, person_id, filters: dict, cursor, limit: int) -> list[dict]:
    conditions = [("person_id = %s", (person_id,)), *_equal(filters, ("status", "event_id"))]
    return rows.page(cur, "registrations", conditions, REGISTRATION_ORDER, cursor, limit)


def registration(cur, event_id, registration_id) -> dict:
    row = rows.get(cur, "registrations", registration_id)
    if row is None or row["event_id"] != event_id:
        raise NotFound("Registration not found", f"The event {event_id} has no registration {registration_id}.")
    return row


def waitlist_position(cur, registration: dict) -> int | None:
    if registration["status"] != "waitlisted":
        return None
    cur.execute("SELECT count(*) AS n FROM registrations WHERE event_id = %s AND status = 'waitlisted' AND arrival <= %s",
                (registration["event_id"], registration["arrival"]))
    return cur.fetchone()["n"]


def overlapping(cur, person_id, event: dict) -> list[dict]:
    """The person's other live registrations for events at the same time."""
    # Two small lookups by key: a person has few registrations, and a join lets the planner
    # choose a scan over every event in the time window instead.
    cur.execute("SELECT event_id FROM registrations WHERE person_id = %s AND status <> 'cancelled' AND event_id <> %s",
                (person_id, event["id"]))
    others = [row["event_id"] for row in cur.fetchall()]
    if not others:
        return []
    cur.execute("""SELECT id, title, starts_at, ends_at FROM events
                   WHERE id = ANY(%s) AND status <> 'cancelled' AND starts_at < %s AND ends_at > %s
                   ORDER BY starts_at""", (others, event["ends_at"], event["starts_at"]))
    return cur.fetchall()


def attended(cur, event_id, person_id) -> bool:
    if person_id is None:
        return False
    cur.execute("SELECT 1 FROM registrations WHERE event_id = %s AND person_id = %s AND attendance = 'attended'",
                (event_id, person_id))
    return cur.fetchone() is not None


def feedback(cur, event_id) -> list[dict]:
    cur.execute("SELECT * FROM feedback WHERE event_id = %s ORDER BY created_at, id", (event_id,))
    return cur.fetchall()


# --- Topics, series, placements ---------------------------------------------------------------

def topics(cur, filters: dict, cursor, limit: int) -> list[dict]:
    return rows.page(cur, "topics", _equal(filters, ("status",)), CREATED_ORDER, cursor, limit)


def ranking(cur, status: str, limit: int) -> list[dict]:
    """The most requested topics: most votes first, earlier proposals first on a tie."""
    where = "" if status == "all" else "WHERE status = %(status)s"
    cur.execute(f"SELECT * FROM topics {where} ORDER BY votes DESC, created_at, id LIMIT %(limit)s",  # noqa: S608
                {"status": status, "limit": limit})
    return cur.fetchall()


def votes_of(cur, topic_ids, organization_ids) -> dict:
    """topic id → the organizations among `organization_ids` that voted for it."""
    if not topic_ids or not organization_ids:
        return {}
    cur.execute("SELECT topic_id, organization_id FROM topic_votes WHERE topic_id = ANY(%s::uuid[]) "
                "AND organization_id = ANY(%s::uuid[]) ORDER BY organization_id", (list(topic_ids), sorted(organization_ids)))
    found: dict = {}
    for row in cur.fetchall():
        found.setdefault(row["topic_id"], []).append(row["organization_id"])
    return found


def vote(cur, topic_id, organization_id) -> dict:
    """The organization's vote for the topic, locked (so that who cast it stays who cast it until
    the caller is done), or NotFound."""
    cur.execute("SELECT * FROM topic_votes WHERE topic_id = %s AND organization_id = %s FOR UPDATE",
                (topic_id, organization_id))
    row = cur.fetchone()
    if row is None:
        raise NotFound("No such vote", "This organization has not voted for this topic.")
    return row


def series(cur, cursor, limit: int) -> list[dict]:
    return rows.page(cur, "series", [], CREATED_ORDER, cursor, limit)


def placements(cur, filters: dict, visible: set[str] | None, viewer: str, cursor, limit: int) -> list[dict]:
    """Placements whose home or host is among the `visible` organizations (None: all), and the viewer's own."""
    conditions = []
    if visible is not None:
        mine = sorted(visible)
        conditions.append(("(home_organization_id = ANY(%s::uuid[]) OR host_organization_id = ANY(%s::uuid[]) "
                           "OR participant_id::text = %s)", (mine, mine, viewer)))
    if "organization_id" in filters:
        conditions.append(("(home_organization_id = %s OR host_organization_id = %s)",
                           (filters["organization_id"], filters["organization_id"])))
    conditions += _equal(filters, ("participant_id", "status"))
    return rows.page(cur, "placements", conditions, PLACEMENT_ORDER, cursor, limit)


# --- The local copies of the registry ---------------------------------------------------------

def organizations(cur, ids) -> dict[str, dict]:
    """The copies of these organizations, by id (as text); one events never heard of is absent."""
    cur.execute("SELECT id::text AS id, name, status FROM organizations WHERE id = ANY(%s::uuid[])", (list(ids),))
    return {row["id"]: row for row in cur.fetchall()}


def person(cur, person_id) -> dict | None:
    return rows.get(cur, "people", person_id)


def people_names(cur, ids) -> dict[str, str]:
    """id (as text) → full name of these people, as the events service knows them."""
    wanted = sorted({str(i) for i in ids if i})
    if not wanted:
        return {}
    cur.execute("SELECT id::text AS id, full_name FROM people WHERE id = ANY(%s::uuid[])", (wanted,))
    return {row["id"]: row["full_name"] for row in cur.fetchall()}


def is_member(cur, person_id, organization_id) -> bool:
    cur.execute("SELECT 1 FROM memberships WHERE person_id = %s AND organization_id = %s AND status = 'active'",
                (person_id, organization_id))
    return cur.fetchone() is not None


# --- iCalendar feeds of the program -----------------------------------------------------------

LIVE = "status <> 'draft' AND ends_at > now() - interval '180 days'"
PUBLIC_CALENDAR = f"{LIVE} AND visibility = 'public'"
ORGANIZATION_CALENDAR = (f"{PUBLIC_CALENDAR} AND (organizer_ids @> ARRAY[%s]::uuid[] OR host_id = %s "
                         "OR partner_ids @> ARRAY[%s]::uuid[])")
PERSONAL_CALENDAR = f"{LIVE} AND id IN (SELECT event_id FROM registrations WHERE person_id = %s AND status = 'registered')"


def calendar_summary(cur, where: str, params: tuple) -> dict:
    """What a calendar's ETag is made of: one aggregate over the events it holds."""
    cur.execute(f"SELECT count(*) AS n, max(updated_at) AS latest, sum(version) AS versions FROM events WHERE {where}",  # noqa: S608
                params)
    return cur.fetchone()


def calendar_events(cur, where: str, params: tuple) -> list[dict]:
    cur.execute(f"SELECT * FROM events WHERE {where} ORDER BY starts_at, id", params)  # noqa: S608
    return cur.fetchall()


def calendar_owner(cur, token: str):
    """The person whose live personal calendar link this is (None for an unknown or revoked one)."""
    cur.execute("SELECT person_id FROM calendar_tokens WHERE token_hash = %s AND revoked_at IS NULL", (digest(token),))
    found = cur.fetchone()
    return found["person_id"] if found else None


def registrations_summary(cur, person_id) -> dict:
    """What changes with the person's registrations, for their calendar's ETag."""
    cur.execute("SELECT count(*) AS n, max(updated_at) AS latest FROM registrations WHERE person_id = %s", (person_id,))
    return cur.fetchone()


# --- Partners' calendar imports ---------------------------------------------------------------

def calendar_imports(cur, organization_id) -> list[dict]:
    cur.execute("SELECT * FROM calendar_imports WHERE organization_id = %s ORDER BY created_at, id", (organization_id,))
    return cur.fetchall()


def calendar_import(cur, organization_id, import_id, *, for_update: bool = False) -> dict:
    cur.execute("SELECT * FROM calendar_imports WHERE id = %s AND organization_id = %s"
                + (" FOR UPDATE" if for_update else ""), (import_id, organization_id))
    row = cur.fetchone()
    if row is None:
        raise NotOurs("Feed not found", "calendar feed", import_id)
    return row


def calendar_import_count(cur, organization_id) -> int:
    cur.execute("SELECT count(*) AS n FROM calendar_imports WHERE organization_id = %s", (organization_id,))
    return cur.fetchone()["n"]


def active_import(cur, import_id) -> dict | None:
    cur.execute("SELECT * FROM calendar_imports WHERE id = %s AND active", (import_id,))
    return cur.fetchone()


def events_of_other_feeds(cur, feed: dict) -> dict:
    """External id → feed, for the events another active feed of the organization brings."""
    cur.execute("""SELECT e.external_id, i.id FROM events e JOIN calendar_imports i ON i.id = e.calendar_import_id
                   WHERE e.external_source = %s AND i.id <> %s AND i.active""", (feed["organization_id"], feed["id"]))
    return {row["external_id"]: row["id"] for row in cur.fetchall()}


def open_events_of_feed(cur, feed: dict, now) -> list[dict]:
    """The feed's events that have not ended and are not closed, locked."""
    cur.execute("""SELECT * FROM events WHERE calendar_import_id = %s AND status IN ('draft', 'scheduled', 'rescheduled')
                   AND ends_at > %s FOR UPDATE""", (feed["id"], now))
    return cur.fetchall()


def organization_names(cur, ids: set[str]) -> dict[str, str]:
    """id → name of the organizations, as the events service knows them (its copy of the registry's)."""
    if not ids:
        return {}
    cur.execute("SELECT id::text AS id, name FROM organizations WHERE id = ANY(%s::uuid[])", (sorted(ids),))
    return {row["id"]: row["name"] for row in cur.fetchall()}
