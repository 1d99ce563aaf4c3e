"""Demo data: the registry's part of the community (shared.community) — organizations, people,
memberships, partnerships. Loading twice changes nothing: ids are derived from names and
inserts skip existing rows."""
from __future__ import annotations

import uuid

from shared import rows
from shared.community import ORGANIZATIONS, PARTNERSHIPS, PEOPLE
from shared.community import demo_id as _id
from shared.config import Settings
from shared.db import open_pool
from services.registry import NAME
from services.registry.messages import emit


def load(settings: Settings) -> dict[str, int]:
    """Insert what is missing and publish it; return how many rows of each kind were new."""
    counts = {"organizations": 0, "people": 0, "memberships": 0, "partnerships": 0}
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cur:
            org_ids = [_organization(cur, row, counts) for row in ORGANIZATIONS]
            for person in PEOPLE:
                _person(cur, person, org_ids, counts)
            for a, b, kind, description in PARTNERSHIPS:
                _insert(cur, "partnerships", "partnership", counts, {
                    "id": _id("partnership", str(a), str(b), kind), "organization_id": org_ids[a],
                    "partner_id": org_ids[b], "kind": kind, "description": description})
    return counts


def _insert(cur, table: str, entity: str, counts: dict, values: dict) -> uuid.UUID:
    row = rows.insert(cur, table, values, skip_existing=True)
    if row:
        counts[table] += 1
        emit(cur, entity, "created", row)
    return values["id"]


def _organization(cur, row, counts) -> uuid.UUID:
    name, kind, country, city, languages, focus, roles, description = row
    return _insert(cur, "organizations", "organization", counts, {
        "id": _id("organization", name), "name": name, "kind": kind, "country": country, "city": city,
        "languages": languages, "focus_areas": focus, "roles": roles, "description": description})


def _person(cur, row, org_ids, counts) -> None:
    full_name, email, language, zone, org, kind, admin = row
    person_id = _insert(cur, "people", "person", counts, {
        "id": _id("person", email), "full_name": full_name, "email": email, "preferred_language": language,
        "time_zone": zone, "consent_contact": True, "consent_recording": org != 4})
    _insert(cur, "memberships", "membership", counts, {
        "id": _id("membership", email, str(org)), "organization_id": org_ids[org], "person_id": person_id,
        "kind": kind, "is_admin": admin})
