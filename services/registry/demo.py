"""Demo data: the registry's part of the community (shared.community) — organizations, people,
memberships, partnerships — registered through the same operations as the API's. Loading twice
changes nothing: ids are derived from names, and what exists already is left as it is."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.community import COORDINATORS, ORGANIZATIONS, PARTNERSHIPS, PEOPLE
from shared.community import demo_id as _id
from shared.config import Settings
from shared.db import open_pool
from services.registry import NAME
from services.registry.operations import memberships, organizations, partnerships, people, roles

DEMO = Principal.system("demo")


def load(settings: Settings) -> dict[str, int]:
    """Register what is missing (its messages go out as for any change); how many were new of each kind."""
    counts = {"organizations": 0, "people": 0, "memberships": 0, "partnerships": 0, "role_grants": 0}
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cur:
            org_ids = [_organization(cur, row, counts) for row in ORGANIZATIONS]
            for person in PEOPLE:
                _person(cur, person, org_ids, counts)
            for a, b, kind, description in PARTNERSHIPS:
                _new(cur, counts, "partnerships", partnerships.record, {
                    "id": _id("partnership", str(a), str(b), kind), "organization_id": org_ids[a],
                    "partner_id": org_ids[b], "kind": kind, "description": description})
            for email in COORDINATORS:
                _coordinator(cur, _id("person", email), counts)
    return counts


def _coordinator(cur, person_id, counts) -> None:
    cur.execute("SELECT 1 FROM role_grants WHERE person_id = %s AND role = 'coordinator' AND status = 'active'",
                (person_id,))
    if cur.fetchone() is None:
        roles.grant(cur, DEMO, person_id, "coordinator")
        counts["role_grants"] += 1


def _new(cur, counts: dict, table: str, register, values: dict):
    if rows.get(cur, table, values["id"]) is None:
        register(cur, DEMO, values)
        counts[table] += 1
    return values["id"]


def _organization(cur, row, counts):
    name, kind, country, city, languages, focus, roles, description = row
    return _new(cur, counts, "organizations", organizations.register, {
        "id": _id("organization", name), "name": name, "kind": kind, "country": country, "city": city,
        "languages": languages, "focus_areas": focus, "roles": roles, "description": description})


def _person(cur, row, org_ids, counts) -> None:
    full_name, email, language, zone, org, kind, admin = row
    person_id = _new(cur, counts, "people", people.register, {
        "id": _id("person", email), "full_name": full_name, "email": email, "preferred_language": language,
        "time_zone": zone, "consent_contact": True, "consent_recording": org != 4})
    _new(cur, counts, "memberships", memberships.add, {
        "id": _id("membership", email, str(org)), "organization_id": org_ids[org], "person_id": person_id,
        "kind": kind, "is_admin": admin})
