"""The events service's refusals (kinds in shared/errors.py; the HTTP layer answers each, the
calendar import reports each against its VEVENT)."""
from __future__ import annotations

from shared.errors import Conflict, NotFound


class EventStatus(Conflict):
    """The event's status does not allow this (a completed event is not changed, say)."""

    def __init__(self, event: dict, detail: str):
        super().__init__(f"Event is {event['status']}", detail)


class NotOurs(NotFound):
    """Nothing of the caller's organization has this id (another organization's is not named)."""

    def __init__(self, title: str, what: str, row_id):
        super().__init__(title, f"Your organization has no {what} with the id {row_id}.")
