"""What a partner's feed lists, read from small .ics texts: recurring events expanded within the
horizon, EXDATE and moved occurrences, a feed listing too many, an unreadable VEVENT reported."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from services.events import ical

NOW = datetime(2027, 3, 1, 12, tzinfo=timezone.utc)
HORIZON = timedelta(days=30)


def feed(*vevents: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//The Wheel//Events//EN", *vevents, "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


def vevent(uid: str, *properties: str) -> str:
    return "\r\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20270101T000000Z", *properties, "END:VEVENT"])


WEEKLY = vevent("weekly@thewheel.ie", "DTSTART:20270302T100000Z", "DTEND:20270302T110000Z", "SUMMARY:Weekly",
                "RRULE:FREQ=WEEKLY")


def read(body: bytes, max_events: int = 100) -> ical.Listing:
    return ical.occurrences(body, "Europe/Dublin", NOW, horizon=HORIZON, max_events=max_events)


def ids(listing: ical.Listing) -> list[str]:
    return [external_id for external_id, _ in listing.items]


def test_an_endless_weekly_event_is_listed_once_per_occurrence_within_the_horizon():
    listing = read(feed(WEEKLY))
    assert ids(listing) == [f"weekly@thewheel.ie/202703{day:02d}T100000Z" for day in (2, 9, 16, 23, 30)]
    assert listing.recurring == {"weekly@thewheel.ie"} and listing.horizon == NOW + HORIZON


def test_an_excluded_date_is_left_out_and_a_moved_occurrence_keeps_its_original_id():
    body = feed(
        vevent("weekly@thewheel.ie", "DTSTART:20270302T100000Z", "DTEND:20270302T110000Z", "SUMMARY:Weekly",
               "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE:20270309T100000Z"),
        vevent("weekly@thewheel.ie", "RECURRENCE-ID:20270316T100000Z", "DTSTART:20270317T140000Z",
               "DTEND:20270317T150000Z", "SUMMARY:Weekly, moved"))
    listing = read(body)
    assert ids(listing) == ["weekly@thewheel.ie/20270302T100000Z", "weekly@thewheel.ie/20270316T100000Z",
                            "weekly@thewheel.ie/20270323T100000Z"]
    moved = dict(listing.items)["weekly@thewheel.ie/20270316T100000Z"]
    assert str(moved["SUMMARY"]) == "Weekly, moved"
    assert ical.span(moved, ZoneInfo("Europe/Dublin"))[0] == datetime(2027, 3, 17, 14, tzinfo=timezone.utc)


def test_single_events_that_ended_are_known_but_not_listed():
    body = feed(vevent("past@thewheel.ie", "DTSTART:20270201T100000Z", "DTEND:20270201T110000Z"),
                vevent("next@thewheel.ie", "DTSTART:20280201T100000Z", "DTEND:20280201T110000Z"))
    listing = read(body)
    assert ids(listing) == ["next@thewheel.ie"]  # a single event is listed however far ahead
    assert listing.singles == {"past@thewheel.ie", "next@thewheel.ie"}


def test_a_feed_listing_more_events_than_allowed_is_refused():
    with pytest.raises(ical.TooManyEvents, match="more than 4 events"):
        read(feed(WEEKLY), max_events=4)


def test_an_unreadable_vevent_is_reported_and_the_others_are_read():
    body = feed(vevent("nostart@thewheel.ie", "SUMMARY:Someday"),
                vevent("broken@thewheel.ie", "DTSTART:20270305T100000Z", "DTEND:20270305T110000Z",
                       "RRULE:FREQ=FORTNIGHTLY"),
                vevent("talk@thewheel.ie", "DTSTART:20270310T100000Z", "DTEND:20270310T110000Z"))
    listing = read(body)
    assert ids(listing) == ["talk@thewheel.ie"]
    assert [external_id for external_id, _ in listing.unreadable] == ["nostart@thewheel.ie", "broken@thewheel.ie"]
    assert listing.broken == {"broken@thewheel.ie"}


def test_a_vevent_becomes_the_body_the_partner_api_takes():
    [(_, event)] = read(feed(vevent(
        "gov@thewheel.ie", "DTSTART;TZID=Europe/Dublin:20270320T110000", "DTEND;TZID=Europe/Dublin:20270320T130000",
        "SUMMARY:Good governance", "LOCATION:The Wheel\\, Dublin", "URL:https://meet.example.org/gov",
        "CATEGORIES:Good Governance,!"))).items
    settings = {"kind": "thematic_meeting", "visibility": "public", "organization_id": "org-1", "language": "en",
                "time_zone": "Europe/Istanbul"}
    body = ical.event_body(event, settings)
    assert body["title"] == {"en": "Good governance"} and body["format"] == "hybrid"
    assert body["venue"] == {"name": "The Wheel, Dublin"} and body["online_url"] == "https://meet.example.org/gov"
    assert (body["time_zone"], body["starts_at"]) == ("Europe/Dublin", "2027-03-20T11:00:00+00:00")
    assert body["topics"] == ["good_governance"] and body["status"] == "scheduled"
    assert not ical.is_cancelled(event)
