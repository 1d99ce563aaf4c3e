"""Local copies of the registry's organizations, people and memberships, fed by its messages.

Events never reads the registry's schema. Each copy keeps the registry's version, so a message
that arrives late (after a retry, say) never overwrites a newer state with an older one.
"""
from __future__ import annotations


def copy_organization(cur, message) -> None:
    cur.execute(
        """INSERT INTO organizations (id, name, country, roles, status, version)
           VALUES (%(id)s, %(name)s, %(country)s, %(roles)s, %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country,
               roles = excluded.roles, status = excluded.status, version = excluded.version, copied_at = now()
           WHERE organizations.version < excluded.version""", message.data)


def copy_person(cur, message) -> None:
    cur.execute(
        """INSERT INTO people (id, full_name, time_zone, preferred_language, status, version)
           VALUES (%(id)s, %(full_name)s, %(time_zone)s, %(preferred_language)s, %(status)s, %(version)s)
           ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, time_zone = excluded.time_zone,
               preferred_language = excluded.preferred_language, status = excluded.status,
               version = excluded.version, copied_at = now()
           WHERE people.version < excluded.version""", message.data)


def copy_membership(cur, message) -> None:
    # Memberships only ever go from active to ended, so "ended" wins whatever the order.
    cur.execute(
        """INSERT INTO memberships (id, organization_id, person_id, kind, is_admin, status)
           VALUES (%(id)s, %(organization_id)s, %(person_id)s, %(kind)s, %(is_admin)s, %(status)s)
           ON CONFLICT (id) DO UPDATE SET status = 'ended', copied_at = now()
           WHERE excluded.status = 'ended'""", message.data)
