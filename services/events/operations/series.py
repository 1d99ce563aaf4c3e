"""Series that group events, e.g. "Civil Space Discussions" or "Online Information Sessions"."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.versions import Precondition
from services.events import store


def create(cur, actor: Principal, data: dict) -> dict:
    return rows.insert(cur, "series", store.to_db(data))


def change(cur, actor: Principal, series_id, changes: dict, precondition: Precondition) -> dict:
    current = rows.load_for_change(cur, "series", series_id, "series", precondition)
    changes = rows.changed(store.normalize(current), store.normalize(changes))
    if not changes:
        return current
    return rows.update(cur, "series", series_id, store.to_db(changes))
