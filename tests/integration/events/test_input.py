"""Input the events API refuses with a 422 naming the field, or answers plainly, and never a 500:
searches of punctuation, over-long time zones, values with a trailing newline, made-up countries,
blank titles and names, fractional capacities, years away and years long, a scheduled event with
nowhere to happen, query arguments no endpoint takes."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.events import OMIT, event_body, soon

PROBLEM = "application/problem+json"
LONG_ZONE = "Europe/" + "x" * 300


def refused(response, field: str) -> list[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.content_type == PROBLEM
    return response.get_json()["errors"][field]


@pytest.mark.parametrize("q", ["-", "*", "'", "!", "&|", "()", ":*", "%", "_", "\\"])
def test_a_search_of_punctuation_answers_a_list(client, tokens, q):
    response = client.get("/events", query_string={"q": q}, headers=tokens.coordinator())
    assert response.status_code == 200 and isinstance(response.get_json()["items"], list)


def test_a_time_zone_too_long_to_be_a_file_name_is_a_422_wherever_it_is_given(client, tokens, org, create_event):
    message = ["Use an IANA time zone, e.g. Europe/Istanbul or Europe/Dublin."]
    assert refused(client.get("/events", query_string={"tz": LONG_ZONE}, headers=tokens.coordinator()), "tz") == message
    event = create_event(org)
    assert refused(client.get(f"/events/{event['id']}", query_string={"tz": LONG_ZONE}, headers=tokens.coordinator()),
                   "tz") == message
    created = client.post("/events", json=event_body(org, time_zone=LONG_ZONE), headers=tokens.coordinator())
    assert refused(created, "time_zone") == message
    local = client.post("/events", json=event_body(org, time_zone=LONG_ZONE, starts_at=OMIT, ends_at=OMIT,
                                                   starts_local="2027-05-01T14:00", ends_local="2027-05-01T16:00"),
                        headers=tokens.coordinator())
    assert refused(local, "time_zone") == message
    shown = client.post("/events", json=event_body(org, display_time_zones=[LONG_ZONE]), headers=tokens.coordinator())
    assert refused(shown, "display_time_zones")
    patch = client.patch(f"/events/{event['id']}", json={"time_zone": LONG_ZONE},
                         headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert refused(patch, "time_zone") == message


def test_a_tag_or_country_with_a_trailing_newline_is_refused(client, tokens, org):
    tagged = client.post("/events", json=event_body(org, topics=["workers_rights\n"]), headers=tokens.coordinator())
    assert refused(tagged, "topics")
    assert refused(client.get("/events", query_string={"topic": "workers_rights\n"}, headers=tokens.coordinator()),
                   "topic")
    venue = {"name": "Bilgi Merkezi", "city": "İstanbul", "country": "TR\n"}
    placed = client.post("/events", json=event_body(org, format="in_person", online_url=None, venue=venue),
                         headers=tokens.coordinator())
    assert refused(placed, "venue") == {"country": ["Use an ISO 3166 alpha-2 code, e.g. TR or IE."]}


def test_a_venue_in_a_country_that_does_not_exist_is_refused(client, tokens, org):
    for country, status in (("XX", 422), ("ZZ", 422), ("IE", 201)):
        venue = {"name": "The Wheel", "city": "Dublin", "country": country}
        response = client.post("/events", json=event_body(org, format="in_person", online_url=None, venue=venue),
                               headers=tokens.coordinator())
        assert response.status_code == status, (country, response.get_json())


def test_a_title_or_name_of_only_spaces_is_refused_and_spaces_around_a_title_are_dropped(client, tokens, org):
    assert refused(client.post("/events", json=event_body(org, title={"tr": "   "}), headers=tokens.coordinator()),
                   "title")
    venue = {"name": "  ", "city": "İstanbul"}
    assert refused(client.post("/events", json=event_body(org, format="in_person", online_url=None, venue=venue),
                               headers=tokens.coordinator()), "venue")
    speakers = [{"name": "\t"}]
    assert refused(client.post("/events", json=event_body(org, speakers=speakers), headers=tokens.coordinator()),
                   "speakers")
    assert refused(client.post("/series", json={"title": {"en": "  "}}, headers=tokens.coordinator()), "title")
    created = client.post("/events", json=event_body(org, title={"tr": "  Sivil Alan  "}), headers=tokens.coordinator())
    assert created.status_code == 201 and created.get_json()["title"] == {"tr": "Sivil Alan"}


@pytest.mark.parametrize("capacity", [1.5, 30.0, "30", True])
def test_a_capacity_that_is_not_a_whole_number_is_refused(client, tokens, org, capacity):
    response = client.post("/events", json=event_body(org, capacity=capacity), headers=tokens.coordinator())
    assert refused(response, "capacity") == ["Not a valid integer."]


def test_an_event_years_away_or_years_long_is_refused(client, tokens, org, create_event):
    far = client.post("/events", json=event_body(org, starts_at="9999-01-01T10:00:00+00:00",
                                                 ends_at="9999-01-01T12:00:00+00:00"), headers=tokens.coordinator())
    assert refused(far, "starts_at") == ["Must be after 2000 and within five years from now."]
    long_ago = client.post("/events", json=event_body(org, status="draft", starts_at="1999-12-31T10:00:00+00:00",
                                                      ends_at="1999-12-31T12:00:00+00:00"),
                           headers=tokens.coordinator())
    assert refused(long_ago, "starts_at")
    start = soon(48)
    years = client.post("/events", json=event_body(org, starts_at=start.isoformat(),
                                                   ends_at=(start + timedelta(days=3 * 365)).isoformat()),
                        headers=tokens.coordinator())
    assert refused(years, "ends_at") == ["Must be at most 60 days after the start."]
    study_visit = client.post("/events", json=event_body(org, kind="study_visit", starts_at=start.isoformat(),
                                                         ends_at=(start + timedelta(days=15)).isoformat()),
                              headers=tokens.coordinator())
    assert study_visit.status_code == 201, study_visit.get_json()
    event = create_event(org)
    stretched = client.patch(f"/events/{event['id']}", json={"ends_at": (start + timedelta(days=61)).isoformat()},
                             headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert refused(stretched, "ends_at")


def test_a_wall_clock_time_beyond_the_calendar_is_a_422_not_a_crash(client, tokens, org):
    """0001-01-01 00:30 in Istanbul is in year 0 once in UTC, which Python's datetime cannot hold."""
    response = client.post("/events", json=event_body(org, starts_at=OMIT, ends_at=OMIT,
                                                      starts_local="0001-01-01T00:30", ends_local="0001-01-01T02:00"),
                           headers=tokens.coordinator())
    assert refused(response, "starts_local")


def test_a_scheduled_event_needs_somewhere_to_happen_on_every_path_that_schedules_it(client, tokens, org):
    online = client.post("/events", json=event_body(org, online_url=None), headers=tokens.coordinator())
    assert refused(online, "online_url") == ["An online event needs its link."]
    in_person = client.post("/events", json=event_body(org, format="in_person", online_url=None),
                            headers=tokens.coordinator())
    assert refused(in_person, "venue") == ["An event in person needs a venue."]
    draft = client.post("/events", json=event_body(org, status="draft", online_url=None), headers=tokens.coordinator())
    assert draft.status_code == 201  # a draft may be incomplete; scheduling it may not
    scheduled = client.post(f"/events/{draft.get_json()['id']}/schedule",
                            headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert refused(scheduled, "online_url")
    live = client.post("/events", json=event_body(org), headers=tokens.coordinator()).get_json()
    unlinked = client.patch(f"/events/{live['id']}", json={"online_url": None},
                            headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert refused(unlinked, "online_url")
    moved = client.patch(f"/events/{live['id']}", json={"format": "in_person"},
                         headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert refused(moved, "venue")
    partner = tokens.partner(org, "events:read", "events:write")
    pushed = client.put(f"/partners/{org}/events/no-link-1", json=event_body(org, online_url=None), headers=partner)
    assert refused(pushed, "online_url")


@pytest.mark.parametrize("path, argument", [
    ("/events", "organizer"), ("/events", "title"), ("/me/managed-events", "kind"), ("/placements", "event_id"),
    ("/topics", "q"), ("/topics/ranking", "cursor"), ("/series", "kind"), ("/me/registrations", "person_id")])
def test_a_query_argument_no_endpoint_takes_is_a_422_naming_it(client, tokens, path, argument):
    response = client.get(path, query_string={argument: "x", "limit": 5}, headers=tokens.coordinator())
    assert refused(response, argument) == ["Unknown field."]


def test_one_events_read_takes_only_tz(client, tokens, org, create_event):
    event = create_event(org)
    assert client.get(f"/events/{event['id']}?tz=Europe/Dublin", headers=tokens.coordinator()).status_code == 200
    assert refused(client.get(f"/events/{event['id']}?lang=tr", headers=tokens.coordinator()), "lang")
