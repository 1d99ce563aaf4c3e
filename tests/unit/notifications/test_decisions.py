"""Who gets which channel, what waits for the daily digest, and when a digest is due."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.notifications.operations.digests import digest_day
from services.notifications.operations.notifications import DIGESTIBLE, channels_for, status_for
from services.notifications.render import KINDS

UTC = timezone.utc


def reader(**overrides) -> dict:
    return {"channels": ["email", "in_app"], "kind_channels": {}, "consent_contact": True, "digest": "immediate",
            "time_zone": "Europe/Dublin", "last_digest_on": None, **overrides}


def test_email_needs_both_the_wish_and_the_consent_to_be_contacted():
    assert channels_for(reader(), "reminder") == ["email", "in_app"]
    assert channels_for(reader(consent_contact=False), "reminder") == ["in_app"]
    assert channels_for(reader(channels=["email"]), "reminder") == ["email"]
    assert channels_for(reader(channels=["in_app"]), "reminder") == ["in_app"]
    assert channels_for(reader(channels=["email"], consent_contact=False), "reminder") == []


def test_a_kinds_own_channels_replace_the_general_ones_for_that_kind_only():
    person = reader(kind_channels={"reminder": ["in_app"], "event_new": []})
    assert channels_for(person, "reminder") == ["in_app"]
    assert channels_for(person, "event_new") == []
    assert channels_for(person, "event_cancelled") == ["email", "in_app"]
    assert channels_for(reader(channels=["in_app"], kind_channels={"reminder": ["email"]}), "reminder") == ["email"]
    assert channels_for(reader(consent_contact=False, kind_channels={"reminder": ["email"]}), "reminder") == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_daily_digest_reader_has_only_news_held_and_nothing_that_cannot_wait(kind):
    daily = reader(digest="daily")
    assert status_for(daily, kind, "email") == ("held" if kind in DIGESTIBLE else "pending")
    assert status_for(reader(), kind, "email") == "pending"
    assert status_for(daily, kind, "in_app") == "stored"


def test_what_a_digest_holds_is_news_not_what_concerns_a_seat():
    assert DIGESTIBLE == {"event_new", "feedback_request", "recording_available"}
    assert "digest" not in DIGESTIBLE  # the digest itself goes out at once


def test_a_digest_is_due_from_eight_on_the_readers_clock_once_a_day():
    person = reader(digest="daily")
    assert digest_day(person, datetime(2027, 1, 10, 7, 59, tzinfo=UTC)) is None  # 07:59 GMT in Dublin
    assert digest_day(person, datetime(2027, 1, 10, 8, 0, tzinfo=UTC)) == date(2027, 1, 10)
    assert digest_day({**person, "last_digest_on": date(2027, 1, 10)}, datetime(2027, 1, 10, 9, 0, tzinfo=UTC)) is None
    istanbul = {**person, "time_zone": "Europe/Istanbul"}
    assert digest_day(istanbul, datetime(2027, 1, 10, 5, 0, tzinfo=UTC)) == date(2027, 1, 10)  # 08:00 there


def test_the_digest_hour_follows_daylight_saving():
    person = reader(digest="daily")
    assert digest_day(person, datetime(2027, 3, 27, 7, 30, tzinfo=UTC)) is None  # 07:30 GMT, the day before
    assert digest_day(person, datetime(2027, 3, 28, 7, 30, tzinfo=UTC)) == date(2027, 3, 28)  # 08:30 IST
    assert digest_day(person, datetime(2027, 7, 1, 7, 0, tzinfo=UTC)) == date(2027, 7, 1)  # 08:00 IST
    assert digest_day(person, datetime(2027, 12, 1, 7, 0, tzinfo=UTC)) is None  # 07:00 GMT
