"""Feedback after an event: a rating and a comment, once per person."""
from __future__ import annotations

from shared import errors, rows
from shared.auth.principal import Principal
from shared.errors import Conflict


def give(cur, actor: Principal, event: dict, person_id, data: dict) -> dict:
    if event["status"] == "cancelled":
        raise Conflict("Event is cancelled", "A cancelled event takes no feedback.")
    with errors.unique("You have already given feedback on this event."):
        return rows.insert(cur, "feedback", {**data, "event_id": event["id"], "person_id": person_id})
