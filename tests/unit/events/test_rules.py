"""The rules an event, a registration and a placement keep that need no database."""
from datetime import datetime, timedelta, timezone

import pytest

from shared.errors import Conflict, Invalid
from services.events.operations import events, placements, registrations

NOW = datetime.now(timezone.utc)


def event(**overrides) -> dict:
    start = NOW + timedelta(days=7)
    fields = {"format": "online", "online_url": "https://meet.example.org/x", "venue": None,
              "starts_at": start, "ends_at": start + timedelta(hours=2), "status": "scheduled",
              "capacity": 30, "registered_count": 0, "registration_opens_at": None, "registration_closes_at": None}
    return {**fields, **overrides}


def refusal(rule, *args) -> tuple[type, str, set]:
    with pytest.raises((Invalid, Conflict)) as info:
        rule(*args)
    return type(info.value), info.value.title, set(info.value.errors)


def test_an_event_ends_after_it_starts_and_registration_closes_in_time():
    events.check_times(event())
    start = event()["starts_at"]
    assert refusal(events.check_times, event(ends_at=start)) == (Invalid, "End before start", {"ends_at"})
    window = event(registration_opens_at=start, registration_closes_at=start - timedelta(hours=1))
    assert refusal(events.check_times, window)[1] == "Registration window is empty"
    late = event(registration_closes_at=start + timedelta(hours=3))
    assert refusal(events.check_times, late) == (Invalid, "Registration closes after the event",
                                                 {"registration_closes_at"})


def test_a_scheduled_event_needs_its_place_and_a_future():
    events.check_publishable(event())
    events.check_publishable(event(format="in_person", online_url=None, venue={"name": "Kızılay"}))
    assert refusal(events.check_publishable, event(format="hybrid", online_url=None)) == (
        Invalid, "Event is not complete", {"venue", "online_url"})
    past = event(starts_at=NOW - timedelta(hours=3), ends_at=NOW - timedelta(hours=1))
    assert refusal(events.check_publishable, past) == (Conflict, "Event is in the past", {"ends_at"})


def test_the_capacity_cannot_go_below_the_people_registered():
    events.check_capacity(event(capacity=3, registered_count=3))
    events.check_capacity(event(capacity=None, registered_count=300))
    assert refusal(events.check_capacity, event(capacity=2, registered_count=3)) == (
        Conflict, "Capacity below registrations", {"capacity"})


@pytest.mark.parametrize("overrides, title", [
    ({"status": "cancelled"}, "Event is cancelled"),
    ({"status": "completed"}, "Event is over"),
    ({"starts_at": NOW - timedelta(hours=3), "ends_at": NOW - timedelta(hours=1)}, "Event is over"),
    ({"status": "draft"}, "Event is not scheduled"),
    ({"registration_opens_at": NOW + timedelta(days=1)}, "Registration is not open yet"),
    ({"registration_closes_at": NOW - timedelta(minutes=1)}, "Registration is closed"),
])
def test_an_event_takes_registrations_only_while_it_is_open(overrides, title):
    registrations.require_open(event(status="rescheduled"))
    assert refusal(registrations.require_open, event(**overrides))[:2] == (Conflict, title)


def test_a_placement_moves_forward_only():
    placements.check_next_status("proposed", "confirmed")
    placements.check_next_status("confirmed", "in_progress")
    assert refusal(placements.check_next_status, "confirmed", "proposed") == (
        Conflict, "Status cannot change that way", {"status"})
    assert refusal(placements.check_next_status, "completed", "cancelled")[1] == "Status cannot change that way"
