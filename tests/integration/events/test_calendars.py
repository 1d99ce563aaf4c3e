"""iCalendar feeds, read back with the icalendar library: UIDs, SEQUENCE on reschedule, cancelled
events, the event's own zone across Dublin's daylight-saving change, ETag polling, personal links."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from tests.support.events import OMIT, event_body

DUBLIN = ZoneInfo("Europe/Dublin")


def events_in(body: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(body)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} >= {"Europe/Dublin"}
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


def dublin_event(client, tokens, org, day: str, **overrides) -> dict:
    fields = {"visibility": "public", "time_zone": "Europe/Dublin", "starts_at": OMIT, "ends_at": OMIT,
              "starts_local": f"{day}T11:00:00", "ends_local": f"{day}T13:00:00"}
    body = event_body(org, **{**fields, **overrides})
    response = client.post("/events", json=body, headers=tokens.coordinator())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_public_feed_keeps_local_times_across_dst_and_follows_reschedules_and_cancellations(client, tokens, org):
    winter, summer = dublin_event(client, tokens, org, "2027-03-25"), dublin_event(client, tokens, org, "2027-04-01")
    hidden = client.post("/events", json=event_body(org, visibility="members"), headers=tokens.coordinator()).get_json()
    feed = events_in(client.get(f"/calendars/organizations/{org}.ics").data)
    assert set(feed) == {winter["id"], summer["id"]} and hidden["id"] not in feed
    assert feed[winter["id"]]["DTSTART"].dt == datetime(2027, 3, 25, 11, 0, tzinfo=DUBLIN)
    assert feed[summer["id"]]["DTSTART"].dt == datetime(2027, 4, 1, 11, 0, tzinfo=DUBLIN)
    assert feed[summer["id"]]["DTSTART"].dt.utcoffset() == timedelta(hours=1)  # IST after the change
    assert feed[winter["id"]]["DTSTART"].params["TZID"] == "Europe/Dublin" and int(feed[winter["id"]]["SEQUENCE"]) == 0

    client.patch(f"/events/{winter['id']}", json={"starts_local": "2027-03-26T11:00:00", "ends_local": "2027-03-26T13:00:00"},
                 headers={**tokens.coordinator(), "If-Match": '"v1"'})
    client.post(f"/events/{summer['id']}/cancel", json={}, headers={**tokens.coordinator(), "If-Match": '"v1"'})
    feed = events_in(client.get(f"/calendars/organizations/{org}.ics").data)
    assert int(feed[winter["id"]]["SEQUENCE"]) == 1 and feed[winter["id"]]["DTSTART"].dt.day == 26
    assert str(feed[summer["id"]]["STATUS"]) == "CANCELLED"
    assert "online" not in str(feed[winter["id"]].get("LOCATION", ""))  # links are for registered people


def test_polling_with_the_etag_costs_a_304_until_something_changes(client, tokens, org):
    event = dublin_event(client, tokens, org, "2027-05-06")
    url = f"/calendars/organizations/{org}.ics"
    first = client.get(url)
    assert first.status_code == 200 and first.content_type.startswith("text/calendar")
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(url).data == first.data  # a client polling without the ETag: the same bytes (cached)
    client.patch(f"/events/{event['id']}", json={"title": {"en": "Renamed"}},
                 headers={**tokens.coordinator(), "If-Match": '"v1"'})
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and str(events_in(changed.data)[event["id"]]["SUMMARY"]) == "Renamed"


def test_a_personal_feed_lists_my_registrations_with_links_and_can_be_revoked(client, tokens, org, community):
    person = community.person(org)
    me = tokens.member_of(org, subject=person)
    mine = dublin_event(client, tokens, org, "2027-06-10", visibility="members")
    other = dublin_event(client, tokens, org, "2027-06-11")
    client.post(f"/events/{mine['id']}/registrations", json={}, headers=me)
    link = client.post("/me/calendar", headers=me).get_json()["url"]
    path = urlsplit(link).path
    feed = events_in(client.get(path).data)
    assert set(feed) == {mine["id"]} and other["id"] not in feed
    assert str(feed[mine["id"]]["URL"]) == "https://meet.example.org/birlikte"
    assert client.delete("/me/calendar", headers=me).status_code == 204
    assert client.get(path).status_code == 404
