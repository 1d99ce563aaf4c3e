"""What the program's pages read: events found by the words of their texts, one event as an
iCalendar file (its online link for the registered only), the speakers' organizations named, and
topics with their proposer's name and the caller's organizations' votes."""
from __future__ import annotations

import uuid

import icalendar

from tests.support.events import propose


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [e["id"] for e in response.get_json()["items"]]


def test_a_search_finds_every_word_in_either_language_whatever_the_case_and_letters(client, tokens, org,
                                                                                 create_event):
    tag = uuid.uuid4().hex[:8]  # a word no other test's event has
    fundraising = create_event(org, visibility="public", title={"tr": f"Hibelerin ötesinde kaynak geliştirme {tag}",
                                                                "en": f"Fundraising beyond grants {tag}"})
    described = create_event(org, visibility="public", title={"en": f"Data systems {tag}"},
                             description={"tr": "Küçük örgütler için İZLEME ve değerlendirme"})
    members = create_event(org, visibility="members", title={"en": f"Fundraising for members {tag}"})
    search = f"/events?limit=100&q={tag}+"
    assert _ids(client.get(search + "FUNDRAISING")) == [fundraising["id"]]  # public only without a token
    as_member = _ids(client.get(search + "fundraising", headers=tokens.member_of(org)))
    assert set(as_member) == {fundraising["id"], members["id"]}
    assert _ids(client.get(search + "gelistirme hibelerin")) == [fundraising["id"]]  # without Turkish letters
    assert _ids(client.get(search + "izleme")) == [described["id"]]  # in the description, İ as i
    assert _ids(client.get(search + "fundraising+izleme")) == []  # every word must appear
    assert _ids(client.get(f"/events?q={tag}%25")) == []  # % is a letter, not a wildcard
    too_long = client.get("/events?q=" + "a" * 201)
    assert too_long.status_code == 422 and "q" in too_long.get_json()["errors"]


def test_one_event_as_a_calendar_file_carries_its_link_for_the_registered_only(client, tokens, org, community,
                                                                              create_event):
    event = create_event(org, visibility="public", online_url="https://meet.example.org/birlikte/join")
    anonymous = client.get(f"/events/{event['id']}.ics?lang=tr")
    assert anonymous.status_code == 200 and anonymous.content_type.startswith("text/calendar")
    assert "attachment" in anonymous.headers["Content-Disposition"]
    [vevent] = icalendar.Calendar.from_ical(anonymous.data).walk("VEVENT")
    assert str(vevent["UID"]) == f"{event['id']}@birlikte" and str(vevent["SUMMARY"]) == event["title"]["tr"]
    assert "URL" not in vevent and "meet.example.org" not in anonymous.data.decode()

    person = community.person(org)
    me = tokens.member_of(org, subject=person)
    assert client.post(f"/events/{event['id']}/registrations", json={}, headers=me).status_code == 201
    [vevent] = icalendar.Calendar.from_ical(client.get(f"/events/{event['id']}.ics", headers=me).data).walk("VEVENT")
    assert str(vevent["URL"]) == "https://meet.example.org/birlikte/join"
    assert "URL" not in icalendar.Calendar.from_ical(
        client.get(f"/events/{event['id']}.ics", headers=tokens.member_of(org)).data).walk("VEVENT")[0]


def test_a_calendar_file_is_refused_to_those_who_may_not_see_the_event(client, tokens, org, community, create_event):
    members = create_event(org, visibility="members")
    assert client.get(f"/events/{members['id']}.ics").status_code == 404
    assert client.get(f"/events/{members['id']}.ics", headers=tokens.member_of(org)).status_code == 200
    invited = create_event(org, visibility="invitation")
    stranger = tokens.member_of(community.organization())
    assert client.get(f"/events/{invited['id']}.ics", headers=stranger).status_code == 404
    assert client.get(f"/events/{uuid.uuid4()}.ics", headers=tokens.coordinator()).status_code == 404


def test_speakers_organizations_are_named_with_the_event(client, tokens, org, community, create_event):
    guest = community.organization(name="Galway Governance Forum")
    event = create_event(org, speakers=[{"name": "Aoife Kelly", "organization_id": guest}])
    assert event["organization_names"][guest] == "Galway Governance Forum"
    assert client.get(f"/events/{event['id']}", headers=tokens.member_of(org)).get_json()["organization_names"][guest] \
        == "Galway Governance Forum"


def test_topics_say_who_proposed_them_and_which_of_my_organizations_voted(client, tokens, community):
    proposer = community.organization(name="Kadın Eşitlik Platformu")
    mine, other = community.organization(), community.organization()
    topic = propose(client, tokens, proposer)
    assert topic["organization_name"] == "Kadın Eşitlik Platformu" and topic["voted_by"] == []
    me = tokens.member_of(mine, other)
    voted = client.post(f"/topics/{topic['id']}/votes", json={"organization_id": mine}, headers=me)
    assert voted.status_code == 201 and voted.get_json()["voted_by"] == [mine]
    ranking = client.get("/topics/ranking?limit=100", headers=me).get_json()
    assert next(t for t in ranking if t["id"] == topic["id"])["voted_by"] == [mine]
    assert client.get(f"/topics/{topic['id']}", headers=tokens.member_of(proposer)).get_json()["voted_by"] == []
    listed = client.get("/topics?status=open&limit=100", headers=me).get_json()["items"]
    assert all(t["voted_by"] == ([mine] if t["id"] == topic["id"] else []) for t in listed)
