"""Demo data: the community's people with the preferences they would set — topics and series
they follow, a daily digest for some, in-app only for one.

People are the registry's (shared.community); their names and addresses arrive with the
registry's messages. The rows written here carry version 0, so that the first registry message
fills in the person and these preferences stay. Loading twice changes nothing.
"""
from __future__ import annotations

from shared.community import PEOPLE, demo_id, person_id
from shared.config import Settings
from shared.db import open_pool
from services.notifications import NAME

# person index → (followed topics, followed series keys, digest, channels)
PREFERENCES = {
    3: (["workers_rights", "hr_management"], ["civil_space"], "immediate", ["email", "in_app"]),
    4: (["gender_equality", "hr_management"], [], "daily", ["email", "in_app"]),
    2: (["good_governance", "data_systems"], ["thematic"], "immediate", ["email", "in_app"]),
    7: (["fundraising", "youth"], ["information"], "daily", ["email", "in_app"]),
    8: (["workers_rights"], [], "immediate", ["in_app"]),
}


def load(settings: Settings) -> dict[str, int]:
    counts = {"preferences": 0}
    with open_pool(settings, NAME, min_size=1, max_size=1) as pool, pool.connection() as conn:
        with conn.transaction():
            for index, (topics, series, digest, channels) in PREFERENCES.items():
                full_name, email, language, zone, *_ = PEOPLE[index]
                row = conn.execute(
                    """INSERT INTO recipients (id, full_name, email, language, time_zone, consent_contact, status,
                                               version, followed_topics, followed_series, digest, channels)
                       VALUES (%s, %s, %s, %s, %s, true, 'active', 0, %s, %s, %s, %s)
                       ON CONFLICT (id) DO NOTHING RETURNING 1""",
                    (person_id(index), full_name, email, language, zone, topics,
                     [demo_id("series", key) for key in series], digest, channels)).fetchone()
                counts["preferences"] += row is not None
    return counts
