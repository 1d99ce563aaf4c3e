"""What notifications reads: who is told of what, a person's inbox and preferences, and the
webhook subscriptions with their delivery logs.

A caller is looked up by their token's subject as text: another OIDC issuer's subjects need not
be UUIDs, and such a caller is simply not known here.
"""
from __future__ import annotations

from shared import rows
from shared.errors import NotFound, not_found
from services.notifications.errors import PersonNotKnownYet

CREATED_ORDER = ["created_at", "id"]
LIVE = ("registered", "waitlisted")


# --- People and their inbox -------------------------------------------------------------------

def person(cur, subject, *, for_update: bool = False) -> dict:
    cur.execute("SELECT * FROM recipients WHERE id::text = %s" + (" FOR UPDATE" if for_update else ""), (str(subject),))
    row = cur.fetchone()
    if row is None:
        raise PersonNotKnownYet()
    return row


def inbox(cur, subject, unread: bool | None, cursor, limit: int) -> list[dict]:
    """A person's in-app notifications, newest first (CREATED_ORDER descending), limit + 1 of them:
    all, or only the unread (`unread` True) or only the read ones (False)."""
    clauses, params = ["recipient_id::text = %s", "channel = 'in_app'"], [subject]
    if unread is not None:
        clauses.append("read_at IS NULL" if unread else "read_at IS NOT NULL")
    if cursor:
        clause, values = rows.keyset(CREATED_ORDER, cursor)
        clauses.append(clause.replace(">", "<", 1))  # descending: rows before the cursor
        params += values
    cur.execute(f"SELECT * FROM notifications WHERE {' AND '.join(clauses)} "  # noqa: S608 (fixed clauses)
                "ORDER BY created_at DESC, id DESC LIMIT %s", [*params, limit + 1])
    return cur.fetchall()


def unread(cur, subject) -> int:
    cur.execute("SELECT count(*) AS unread FROM notifications WHERE recipient_id::text = %s "
                "AND channel = 'in_app' AND read_at IS NULL", (subject,))
    return cur.fetchone()["unread"]


# --- Who is told ------------------------------------------------------------------------------

def live_registrants(cur, event_id) -> list[dict]:
    """The people with a live registration (registered or waitlisted) of the event."""
    cur.execute("""SELECT p.* FROM registrations g JOIN recipients p ON p.id = g.person_id
                   WHERE g.event_id = %s AND g.status = ANY(%s)""", (event_id, list(LIVE)))
    return cur.fetchall()


def registered(cur, event_id) -> list[dict]:
    """The event's registrations that hold a seat."""
    cur.execute("SELECT * FROM registrations WHERE event_id = %s AND status = 'registered'", (event_id,))
    return cur.fetchall()


def followers(cur, event: dict) -> list[dict]:
    """The people who follow one of the event's topics, or its series."""
    cur.execute("SELECT * FROM recipients WHERE followed_topics && %s::text[] OR %s = ANY(followed_series)",
                (event["topics"], event["series_id"]))
    return cur.fetchall()


def registered_for_any(cur, event_ids: list) -> list[dict]:
    """Each person registered for one of the events, once, with that event's id and their attendance."""
    cur.execute("""SELECT DISTINCT ON (p.id) p.*, g.attendance, e.id AS event_id FROM registrations g
                   JOIN recipients p ON p.id = g.person_id JOIN events e ON e.id = g.event_id
                   WHERE g.event_id = ANY(%s::uuid[]) AND g.status = 'registered'""", (event_ids,))
    return cur.fetchall()


def reminder_statuses(cur, reminder: dict) -> dict:
    """The current status of a reminder's event and registration (None for one not known)."""
    cur.execute("SELECT (SELECT status FROM events WHERE id = %s) AS event, "
                "(SELECT status FROM registrations WHERE id = %s) AS registration",
                (reminder["event_id"], reminder["registration_id"]))
    return cur.fetchone()


def awaiting_digest(cur) -> list[dict]:
    """Daily-digest readers with something held, locked (other workers skip them)."""
    cur.execute("""SELECT r.* FROM recipients r WHERE r.digest = 'daily'
                     AND EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = r.id AND n.status = 'held')
                   FOR UPDATE OF r SKIP LOCKED""")
    return cur.fetchall()


def mail_recipients(cur, recipient_ids: list) -> dict:
    """Name and address of each recipient, by id."""
    cur.execute("SELECT id, email, full_name FROM recipients WHERE id = ANY(%s)", (recipient_ids,))
    return {r["id"]: r for r in cur.fetchall()}


# --- Webhook subscriptions and deliveries -----------------------------------------------------

def subscriptions(cur, organizations: list[str] | None, organization_id, cursor, limit: int) -> list[dict]:
    """The subscriptions of `organizations` (None: all), of `organization_id` only if given,
    oldest first; deleted ones are no one's."""
    conditions = [("status <> 'deleted'", ())]
    if organizations is not None:
        conditions.append(("organization_id = ANY(%s::uuid[])", (organizations,)))
    if organization_id:
        conditions.append(("organization_id = %s", (organization_id,)))
    return rows.page(cur, "webhook_subscriptions", conditions, CREATED_ORDER, cursor, limit)


def subscription(cur, subscription_id, *, for_update: bool = False) -> dict:
    """A subscription that is not deleted (a deleted one is not found)."""
    row = rows.get(cur, "webhook_subscriptions", subscription_id, for_update=for_update)
    if row is None or row["status"] == "deleted":
        raise not_found("webhook subscription", subscription_id)
    return row


def active_subscriptions(cur, organizations: set[str]) -> list[dict]:
    cur.execute("SELECT id, event_types FROM webhook_subscriptions WHERE status = 'active' "
                "AND organization_id = ANY(%s::uuid[]) ORDER BY id", (sorted(organizations),))
    return cur.fetchall()


def subscription_targets(cur, subscription_ids: list) -> dict:
    """Where and how each subscription is delivered: its URL, secret and organization, by id."""
    cur.execute("SELECT id, url, secret, organization_id FROM webhook_subscriptions WHERE id = ANY(%s)",
                (subscription_ids,))
    return {s["id"]: s for s in cur.fetchall()}


def event_organizers(cur, event_id) -> list:
    """The organizers of an event as its copy has them (none for an event not known yet)."""
    cur.execute("SELECT organizer_ids FROM events WHERE id = %s", (event_id,))
    event = cur.fetchone()
    return event["organizer_ids"] if event else []


def deliveries(cur, subscription_id, status: str | None, cursor, limit: int, *, newest_first: bool = False
               ) -> list[dict]:
    """A subscription's delivery log, oldest first (or newest first); only those of `status`, if given."""
    clauses, params = ["subscription_id = %s"], [subscription_id]
    if status:
        clauses.append("status = %s")
        params.append(status)
    if cursor:
        clause, values = rows.keyset(CREATED_ORDER, cursor)
        clauses.append(clause.replace(">", "<", 1) if newest_first else clause)
        params += values
    direction = "DESC" if newest_first else "ASC"
    cur.execute(f"SELECT * FROM webhook_deliveries WHERE {' AND '.join(clauses)} "  # noqa: S608 (fixed clauses)
                f"ORDER BY created_at {direction}, id {direction} LIMIT %s", [*params, limit + 1])
    return cur.fetchall()


def delivery(cur, subscription_id, delivery_id) -> dict:
    cur.execute("SELECT * FROM webhook_deliveries WHERE id = %s AND subscription_id = %s",
                (delivery_id, subscription_id))
    row = cur.fetchone()
    if row is None:
        raise NotFound("Delivery not found", f"This subscription has no delivery {delivery_id}.")
    return row


def attempts(cur, delivery_id) -> list[dict]:
    cur.execute("SELECT * FROM webhook_attempts WHERE delivery_id = %s ORDER BY id", (delivery_id,))
    return cur.fetchall()
