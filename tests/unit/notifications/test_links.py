"""Where notifications lead: the web app's pages, at its public address however it is written."""
from __future__ import annotations

import uuid

from shared.config import Settings
from services.notifications import links

EVENT, ITEM = uuid.UUID("0b7c5a3e-8a7e-4d2b-9a55-2f4b8f0f6c11"), uuid.UUID("5d1f3c2e-1111-4d2b-9a55-2f4b8f0f6c22")


def test_an_event_an_archive_item_and_the_inbox_at_the_public_web_address():
    settings = Settings(web_url="https://birlikte.stgm.example")
    assert links.event(settings, EVENT) == f"https://birlikte.stgm.example/events/{EVENT}"
    assert links.item(settings, ITEM) == f"https://birlikte.stgm.example/archive/{ITEM}"
    assert links.inbox(settings) == "https://birlikte.stgm.example/inbox"


def test_what_is_about_an_event_leads_to_its_page_and_a_feedback_request_to_its_feedback_form():
    settings = Settings(web_url="https://birlikte.stgm.example")
    for kind in ("registration_confirmed", "registration_waitlisted", "event_rescheduled", "event_cancelled",
                 "event_new", "reminder"):
        assert links.of_event(settings, kind, EVENT) == links.event(settings, EVENT)
    feedback = links.of_event(settings, "feedback_request", EVENT)
    assert feedback == f"https://birlikte.stgm.example/events/{EVENT}/feedback"


def test_a_web_address_under_a_path_or_with_a_trailing_slash_keeps_its_path_once():
    assert links.event(Settings(web_url="https://stgm.example/birlikte/"), EVENT) == \
        f"https://stgm.example/birlikte/events/{EVENT}"
    assert links.inbox(Settings(web_url="http://127.0.0.1:8000")) == "http://127.0.0.1:8000/inbox"
