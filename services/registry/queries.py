"""What the registry reads: lists with their filters, and the facts access decisions need."""
from __future__ import annotations

from shared import rows
from shared.errors import not_found

ORGANIZATION_ORDER = ["name", "id"]
PERSON_ORDER = ["full_name", "id"]
CREATED_ORDER = ["created_at", "id"]
_IN_ORGANIZATIONS = ("id IN (SELECT person_id FROM memberships WHERE status = 'active' "
                     "AND organization_id = ANY(%s::uuid[]))")


def _status(value: str) -> list[tuple[str, tuple]]:
    return [] if value == "all" else [("status = %s", (value,))]


def _name_words(text: str | None) -> list[tuple[str, tuple]]:
    """A name search; one without a letter or digit in it ("-", "*") names nothing, and finds nothing."""
    if not text:
        return []
    words = rows.prefix_query(text)
    return [("name_search @@ to_tsquery('simple', %s)", (words,))] if words else [("FALSE", ())]


def organizations(cur, filters: dict, cursor, limit: int) -> list[dict]:
    conditions = _status(filters["status"])
    if "country" in filters:
        conditions.append(("country = %s", (filters["country"],)))
    if "focus_area" in filters:
        conditions.append(("focus_areas @> ARRAY[%s]", (filters["focus_area"],)))
    if "role" in filters:
        conditions.append(("roles @> ARRAY[%s]", (filters["role"],)))
    conditions += _name_words(filters.get("q")) + _ids(filters)
    return rows.page(cur, "organizations", conditions, ORGANIZATION_ORDER, cursor, limit)


def _ids(filters: dict) -> list[tuple[str, tuple]]:
    return [("id = ANY(%s::uuid[])", (filters["ids"],))] if filters.get("ids") else []


def people(cur, filters: dict, visible: set[str] | None, viewer: str, cursor, limit: int) -> list[dict]:
    """People in `visible` organizations (None: everyone) and the viewer themselves."""
    conditions = [] if visible is None else [(f"({_IN_ORGANIZATIONS} OR id::text = %s)", (sorted(visible), viewer))]
    conditions += _status(filters["status"])
    if "organization_id" in filters:
        conditions.append((_IN_ORGANIZATIONS, ([filters["organization_id"]],)))
    conditions += _name_words(filters.get("q")) + _ids(filters)
    return rows.page(cur, "people", conditions, PERSON_ORDER, cursor, limit)


def organizations_of_person(cur, person_id) -> set[str]:
    """The organizations the person is an active member of."""
    cur.execute("SELECT organization_id::text AS id FROM memberships WHERE person_id = %s AND status = 'active'",
                (person_id,))
    return {row["id"] for row in cur.fetchall()}


def memberships(cur, filters: dict, visible: set[str] | None, viewer: str, cursor, limit: int,
                administered: set[str] = frozenset()) -> list[dict]:
    """Memberships of the `visible` organizations (None: all) and the viewer's own; invitations that
    were never accepted only of the organizations the viewer `administered`."""
    conditions = [] if visible is None else [
        ("((organization_id = ANY(%s::uuid[]) AND (status IN ('active', 'ended') OR organization_id = ANY(%s::uuid[])))"
         " OR person_id::text = %s)", (sorted(visible), sorted(administered), viewer))]
    for name in ("organization_id", "person_id", "kind"):
        if name in filters:
            conditions.append((f"{name} = %s", (filters[name],)))
    conditions += _status(filters["status"])
    return rows.page(cur, "memberships", conditions, CREATED_ORDER, cursor, limit)


def partnerships(cur, filters: dict, cursor, limit: int) -> list[dict]:
    conditions = []
    if "organization_id" in filters:
        conditions.append(("(organization_id = %s OR partner_id = %s)", (filters["organization_id"],) * 2))
    if "kind" in filters:
        conditions.append(("kind = %s", (filters["kind"],)))
    conditions += _status(filters["status"])
    return rows.page(cur, "partnerships", conditions, CREATED_ORDER, cursor, limit)


# --- The public directory ------------------------------------------------------------------------

def directory(cur, filters: dict, cursor, limit: int) -> list[dict]:
    """Active organizations only, whatever the filters."""
    return organizations(cur, {**filters, "status": "active"}, cursor, limit)


def public_partnerships(cur, organization_ids: list) -> dict[str, list[dict]]:
    """The active partnerships between active organizations of each of these organizations, seen
    from it (the other side as `partner_…`), in the order they were recorded."""
    cur.execute("""SELECT p.id, p.kind, p.description, p.started_on, p.organization_id::text AS a, p.partner_id::text AS b,
                          oa.name AS a_name, oa.country AS a_country, ob.name AS b_name, ob.country AS b_country
                   FROM partnerships p JOIN organizations oa ON oa.id = p.organization_id
                                       JOIN organizations ob ON ob.id = p.partner_id
                   WHERE p.status = 'active' AND oa.status = 'active' AND ob.status = 'active'
                     AND (p.organization_id = ANY(%s::uuid[]) OR p.partner_id = ANY(%s::uuid[]))
                   ORDER BY p.created_at, p.id""", (list(organization_ids),) * 2)
    wanted = {str(i) for i in organization_ids}
    seen: dict[str, list[dict]] = {i: [] for i in wanted}
    for row in cur.fetchall():
        for side, other, partner_side in (("a", "b", "partner"), ("b", "a", "organization")):
            if row[side] in wanted:
                seen[row[side]].append({"id": row["id"], "kind": row["kind"], "description": row["description"],
                                        "started_on": row["started_on"], "partner_id": row[other],
                                        "partner_name": row[f"{other}_name"], "partner_country": row[f"{other}_country"],
                                        "partner_side": partner_side})
    return seen


def clients(cur, organization_id, cursor, limit: int) -> list[dict]:
    return rows.page(cur, "api_clients", [("organization_id = %s", (organization_id,))], CREATED_ORDER, cursor, limit)


def client(cur, organization_id, client_id) -> dict:
    """An organization's client; another organization's is not found (nothing is said of it)."""
    row = rows.get(cur, "api_clients", client_id)
    if row is None or row["organization_id"] != organization_id:
        raise not_found("client", client_id)
    return row


def client_with_organization(cur, client_id: str) -> dict | None:
    """A client by its public client_id, with its organization's status (token requests)."""
    cur.execute("SELECT c.*, o.status AS organization_status FROM api_clients c "
                "JOIN organizations o ON o.id = c.organization_id WHERE c.client_id = %s", (client_id,))
    return cur.fetchone()


# --- Identity: who signs in, and what their tokens say -------------------------------------------

def person_by_email(cur, email: str) -> dict | None:
    """The active person with this address (whatever its letter case)."""
    cur.execute("SELECT * FROM people WHERE lower(email) = lower(%s) AND status = 'active'", (email.strip(),))
    return cur.fetchone()


def claims_of(cur, person_id) -> dict:
    """What a person's tokens say of them: their platform roles, the organizations they belong
    to and those they administer (active memberships of active organizations only)."""
    cur.execute("""SELECT m.organization_id::text AS id, bool_or(m.is_admin) AS admin
                   FROM memberships m JOIN organizations o ON o.id = m.organization_id
                   WHERE m.person_id = %s AND m.status = 'active' AND o.status = 'active'
                   GROUP BY m.organization_id ORDER BY m.organization_id""", (person_id,))
    organizations = cur.fetchall()
    cur.execute("SELECT role FROM role_grants WHERE person_id = %s AND status = 'active' ORDER BY role", (person_id,))
    roles = [row["role"] for row in cur.fetchall()]
    admin_of = [o["id"] for o in organizations if o["admin"]]
    roles += (["org_admin"] if admin_of else []) + (["member"] if organizations else [])
    return {"roles": roles, "admin_of": admin_of, "member_of": [o["id"] for o in organizations]}


def first_party_client(cur, client_id: str) -> dict | None:
    cur.execute("SELECT * FROM first_party_clients WHERE client_id = %s", (client_id,))
    return cur.fetchone()


def live_session(cur, session_id) -> dict | None:
    """A session that has not ended or expired, with its person (if still active)."""
    cur.execute("""SELECT s.*, p.status AS person_status FROM sessions s JOIN people p ON p.id = s.person_id
                   WHERE s.id = %s AND s.ended_at IS NULL AND s.expires_at > now()""", (session_id,))
    found = cur.fetchone()
    return found if found is not None and found["person_status"] == "active" else None


def sessions_of(cur, person_id) -> list[dict]:
    """Where a person is signed in, most recently used first."""
    cur.execute("""SELECT s.*, array(SELECT DISTINCT client_id FROM refresh_tokens r WHERE r.session_id = s.id
                                     AND r.revoked_at IS NULL AND r.used_at IS NULL AND r.expires_at > now()) AS clients
                   FROM sessions s WHERE s.person_id = %s AND s.ended_at IS NULL AND s.expires_at > now()
                   ORDER BY s.last_seen_at DESC""", (person_id,))
    return cur.fetchall()


def role_grants(cur, person_id) -> list[dict]:
    cur.execute("SELECT * FROM role_grants WHERE person_id = %s ORDER BY granted_at, id", (person_id,))
    return cur.fetchall()


# --- Passkeys -----------------------------------------------------------------------------------

def passkeys_of(cur, person_id) -> list[dict]:
    """A person's passkeys, in the order they were added."""
    cur.execute("SELECT * FROM passkeys WHERE person_id = %s ORDER BY created_at, id", (person_id,))
    return cur.fetchall()


def asked_for_a_passkey(cur, person_id) -> bool:
    """Coordinators can change anyone's roles and data: one without a passkey yet is asked to add one."""
    return "coordinator" in claims_of(cur, person_id)["roles"] and not passkeys_of(cur, person_id)


# --- Accounts: invitations, changes of address, roles ---------------------------------------------

def invitations_of(cur, person_id, cursor, limit: int) -> list[dict]:
    """The invitations waiting for the person's answer, with the organization's name and who invited them."""
    after, params = rows.keyset(["m.created_at", "m.id"], cursor) if cursor else ("TRUE", [])
    cur.execute(f"""SELECT m.*, o.name AS organization_name, i.full_name AS invited_by_name
                    FROM memberships m JOIN organizations o ON o.id = m.organization_id
                    LEFT JOIN people i ON i.id::text = m.invited_by
                    WHERE m.person_id = %s AND m.status = 'invited' AND {after}
                    ORDER BY m.created_at, m.id LIMIT %s""", (person_id, *params, limit + 1))
    return cur.fetchall()


def pending_email(cur, person_id) -> str | None:
    """The address a change waits to have confirmed, if one does."""
    cur.execute("""SELECT new_email FROM email_changes WHERE person_id = %s AND status IN ('pending', 'sending', 'sent')
                   AND expires_at > now()""", (person_id,))
    found = cur.fetchone()
    return found["new_email"] if found else None


def email_taken(cur, email: str, person_id) -> bool:
    """Someone else has this address (whatever its letter case)."""
    cur.execute("SELECT 1 FROM people WHERE lower(email) = lower(%s) AND id <> %s", (email, person_id))
    return cur.fetchone() is not None


def other_role_holders(cur, role: str, grant_id) -> int:
    """How many active people hold `role` by a grant other than this one."""
    cur.execute("""SELECT count(DISTINCT g.person_id) AS n FROM role_grants g JOIN people p ON p.id = g.person_id
                   WHERE g.role = %s AND g.status = 'active' AND g.id <> %s AND p.status = 'active'""",
                (role, grant_id))
    return cur.fetchone()["n"]


def person_with_email(cur, email: str) -> dict | None:
    """The person with this address, active or not (whatever its letter case)."""
    cur.execute("SELECT * FROM people WHERE lower(email) = lower(%s)", (email.strip(),))
    return cur.fetchone()
