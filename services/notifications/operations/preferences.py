"""A person's notification preferences: changed by them, or one kind muted through the
unsubscribe link of an email. They carry a version of their own (`preferences_version`): the
person's `version` is the registry's."""
from __future__ import annotations

from psycopg import sql
from psycopg.types.json import Jsonb

from shared.auth.principal import Principal
from shared.versions import Precondition
from services.notifications import queries


def change(cur, actor: Principal, person_id, changes: dict, precondition: Precondition) -> dict:
    current = queries.person(cur, person_id, for_update=True)
    precondition.check(current["preferences_version"])
    if not changes:
        return current
    if "kind_channels" in changes:
        changes = {**changes, "kind_channels": Jsonb(changes["kind_channels"])}
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name))
                                     for name in changes)
    cur.execute(sql.SQL("UPDATE recipients SET {}, preferences_version = preferences_version + 1 "
                        "WHERE id = %(id)s RETURNING *").format(assignments), {**changes, "id": current["id"]})
    return cur.fetchone()


def unsubscribe(cur, person_id, kind: str) -> dict:
    """Mute `kind` for the person (RFC 8058 one-click: the signed link is the credential, so
    there is no actor); once muted, muting again changes nothing."""
    person = queries.person(cur, person_id, for_update=True)
    cur.execute("UPDATE recipients SET muted_kinds = array_append(muted_kinds, %s), "
                "preferences_version = preferences_version + 1 WHERE id = %s AND NOT (%s = ANY(muted_kinds))",
                (kind, person["id"], kind))
    return person
