"""Where a notification leads: the page of the web app it is about, at the address people reach
it by (BIRLIKTE_WEB_URL). Emails carry the link in their text; the inbox answers it with each
notification. The paths are the web app's own (services/web): an event's page, where a
registered person also manages (cancels) their registration; where an attendee gives their
feedback on it; an archive item's page; the inbox.
"""
from __future__ import annotations

from shared.config import Settings


def _web(settings: Settings, path: str) -> str:
    return settings.web_url.rstrip("/") + path


def event(settings: Settings, event_id) -> str:
    return _web(settings, f"/events/{event_id}")


def of_event(settings: Settings, kind: str, event_id) -> str:
    """A notification about an event leads to its page; a feedback request to where feedback is given."""
    return _web(settings, f"/events/{event_id}/feedback") if kind == "feedback_request" else event(settings, event_id)


def item(settings: Settings, item_id) -> str:
    return _web(settings, f"/archive/{item_id}")


def inbox(settings: Settings) -> str:
    return _web(settings, "/inbox")
