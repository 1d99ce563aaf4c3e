"""Time zones: one instant, two clocks — Istanbul (UTC+3 all year) and Dublin (GMT/IST)."""
from __future__ import annotations

from tests.support.events import OMIT, event_body


def local(event: dict, zone: str) -> dict:
    return next(view for view in event["local_times"] if view["time_zone"] == zone)


def thematic(org, **times) -> dict:
    return event_body(org, kind="thematic_meeting", time_zone="Europe/Istanbul",
                      display_time_zones=["Europe/Dublin"], **times)


def test_an_istanbul_dublin_meeting_shows_both_clocks_across_the_spring_change(client, tokens, org):
    # Dublin moves to summer time on 28 March 2027; Istanbul does not move.
    before = client.post("/events", headers=tokens.coordinator(), json=thematic(
        org, starts_at="2027-03-25T10:00:00+03:00", ends_at="2027-03-25T12:00:00+03:00")).get_json()
    after = client.post("/events", headers=tokens.coordinator(), json=thematic(
        org, starts_at="2027-04-01T10:00:00+03:00", ends_at="2027-04-01T12:00:00+03:00")).get_json()
    assert local(before, "Europe/Istanbul")["starts_at"] == "2027-03-25T10:00:00+03:00"
    assert local(before, "Europe/Dublin")["starts_at"] == "2027-03-25T07:00:00+00:00"
    assert local(before, "Europe/Dublin")["abbreviation"] == "GMT"
    assert local(after, "Europe/Istanbul")["starts_at"] == "2027-04-01T10:00:00+03:00"
    assert local(after, "Europe/Dublin")["starts_at"] == "2027-04-01T08:00:00+01:00"
    assert local(after, "Europe/Dublin")["abbreviation"] == "IST"


def test_wall_clock_times_in_dublin_stay_at_ten_across_the_autumn_change(client, tokens, org):
    # Dublin goes back to GMT on 31 October 2027: 10:00 local is 09:00 UTC before, 10:00 UTC after.
    made = [client.post("/events", headers=tokens.coordinator(), json=event_body(
        org, kind="thematic_meeting", time_zone="Europe/Dublin", display_time_zones=["Europe/Istanbul"],
        starts_at=OMIT, ends_at=OMIT, starts_local=f"{day}T10:00:00", ends_local=f"{day}T11:30:00"))
        for day in ("2027-10-28", "2027-11-04")]
    for response in made:
        assert response.status_code == 201, response.get_json()
    before, after = (r.get_json() for r in made)
    assert before["starts_at"].startswith("2027-10-28T09:00:00") and after["starts_at"].startswith("2027-11-04T10:00:00")
    assert local(before, "Europe/Dublin")["starts_at"] == "2027-10-28T10:00:00+01:00"
    assert local(after, "Europe/Dublin")["starts_at"] == "2027-11-04T10:00:00+00:00"
    # Istanbul's participants join at noon before the change and at 13:00 after it.
    assert local(before, "Europe/Istanbul")["starts_at"] == "2027-10-28T12:00:00+03:00"
    assert local(after, "Europe/Istanbul")["starts_at"] == "2027-11-04T13:00:00+03:00"


def test_a_wall_clock_time_the_clocks_skip_is_refused(client, tokens, org):
    body = event_body(org, time_zone="Europe/Dublin", starts_at=OMIT, ends_at=OMIT,
                      starts_local="2027-03-28T01:30:00", ends_local="2027-03-28T03:00:00")
    response = client.post("/events", json=body, headers=tokens.coordinator())
    assert response.status_code == 422
    assert "does not exist in Europe/Dublin" in response.get_json()["errors"]["starts_local"][0]


def test_a_repeated_wall_clock_time_takes_its_first_occurrence(client, tokens, org):
    body = event_body(org, time_zone="Europe/Dublin", starts_at=OMIT, ends_at=OMIT,
                      starts_local="2027-10-31T01:30:00", ends_local="2027-10-31T03:00:00")
    event = client.post("/events", json=body, headers=tokens.coordinator()).get_json()
    assert event["starts_at"].startswith("2027-10-31T00:30:00")  # 01:30 IST, before the clocks go back
    assert local(event, "Europe/Dublin")["utc_offset"] == "+01:00"


def test_a_reader_can_ask_for_their_own_zone(client, tokens, org):
    event = client.post("/events", headers=tokens.coordinator(), json=thematic(
        org, starts_at="2027-07-01T10:00:00+03:00", ends_at="2027-07-01T12:00:00+03:00")).get_json()
    seen = client.get(f"/events/{event['id']}?tz=Europe/Berlin", headers=tokens.member_of(org)).get_json()
    assert local(seen, "Europe/Berlin")["starts_at"] == "2027-07-01T09:00:00+02:00"
    bad = client.get(f"/events/{event['id']}?tz=Europe/Atlantis", headers=tokens.member_of(org))
    assert bad.status_code == 422 and "tz" in bad.get_json()["errors"]


def test_patching_wall_clock_times_reads_them_in_the_stored_zone(client, tokens, org):
    event = client.post("/events", headers=tokens.coordinator(), json=event_body(
        org, time_zone="Europe/Dublin", starts_at=OMIT, ends_at=OMIT,
        starts_local="2027-06-10T14:00:00", ends_local="2027-06-10T15:00:00")).get_json()
    moved = client.patch(f"/events/{event['id']}", json={"starts_local": "2027-12-09T14:00:00",
                                                         "ends_local": "2027-12-09T15:00:00"},
                         headers={**tokens.coordinator(), "If-Match": '"v1"'}).get_json()
    assert moved["starts_at"].startswith("2027-12-09T14:00:00")  # GMT in December
    assert moved["status"] == "rescheduled" and moved["sequence"] == 1
