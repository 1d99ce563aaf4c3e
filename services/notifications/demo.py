"""Demo data: the community's people with the preferences they would set — topics and series
they follow, a daily digest for some, in-app only for one.

People are the registry's (shared.community); their names and addresses arrive with the
registry's messages. The copies written here carry version 0, so that the first registry message
fills in the person and these preferences stay. Loading twice changes nothing: a person known
already is left as they are.
"""
from __future__ import annotations

from shared import rows, versions
from shared.auth.principal import Principal
from shared.community import PEOPLE, demo_id, person_id
from shared.config import Settings
from shared.db import open_pool
from services.notifications import NAME, store
from services.notifications.operations import preferences

DEMO = Principal.system("demo")
# person index → (followed topics, followed series keys, digest, channels)
PREFERENCES = {
    3: (["workers_rights", "hr_management"], ["civil_space"], "immediate", ["email", "in_app"]),
    4: (["gender_equality", "hr_management"], [], "daily", ["email", "in_app"]),
    2: (["good_governance", "data_systems"], ["thematic"], "immediate", ["email", "in_app"]),
    7: (["fundraising", "youth"], ["information"], "daily", ["email", "in_app"]),
    8: (["workers_rights"], [], "immediate", ["in_app"]),
    6: (["environment", "volunteer_management"], ["organizational"], "daily", ["email", "in_app"]),
    9: (["human_rights", "good_governance"], ["thematic"], "immediate", ["email", "in_app"]),
    10: (["good_governance", "data_systems"], ["thematic"], "daily", ["email"]),
    1: ([], ["information", "on_the_job"], "immediate", ["email", "in_app"]),
}


def load(settings: Settings) -> dict[str, int]:
    counts = {"preferences": 0}
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction(), conn.cursor() as cur:
            for index, (topics, series, digest, channels) in PREFERENCES.items():
                if rows.get(cur, "recipients", person_id(index)) is None:
                    _person(cur, index, {"followed_topics": topics, "digest": digest, "channels": channels,
                                         "followed_series": [demo_id("series", key) for key in series]})
                    counts["preferences"] += 1
    return counts


def _person(cur, index: int, chosen: dict) -> None:
    """The person as the registry would describe them, before its message does, with their choices."""
    full_name, email, language, zone, *_ = PEOPLE[index]
    store.copy_person(cur, {"id": person_id(index), "full_name": full_name, "email": email,
                            "preferred_language": language, "time_zone": zone, "consent_contact": True,
                            "status": "active", "version": 0})
    preferences.change(cur, DEMO, person_id(index), chosen, versions.ANY)
