"""What the organizers' pages read and write: the events one may manage (drafts included, latest
start first), registrations and feedback with people's names, placements with theirs, and the
refusals of a change worded for the person at the form."""
from __future__ import annotations

from datetime import timedelta

from tests.support.events import OMIT, event_body, placement_body, soon


def _managed(client, headers, **params) -> dict:
    response = client.get("/me/managed-events", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _starts(days: float) -> dict:
    start = soon(24 * days)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}


def test_a_coordinator_manages_every_event_drafts_included_latest_start_first(client, tokens, org, create_event):
    draft = create_event(org, status="draft", **_starts(1800))  # later than other tests' events, within 5 years
    later = create_event(org, **_starts(1801))
    page = _managed(client, tokens.coordinator(), limit=200)["items"]
    ids = [e["id"] for e in page]
    assert ids.index(later["id"]) < ids.index(draft["id"])
    assert [e["starts_at"] for e in page] == sorted((e["starts_at"] for e in page), reverse=True)
    assert _managed(client, tokens.coordinator(), status="draft", limit=200)["items"][0]["status"] == "draft"


def test_an_admin_manages_what_their_organizations_organize_and_a_member_nothing(client, tokens, org, community,
                                                                                 create_event):
    other = community.organization()
    own_draft = create_event(org, status="draft", headers=tokens.admin_of(org))
    partnered = create_event(other, partner_ids=[org], invited_ids=[org])  # theirs, though we take part
    listed = [e["id"] for e in _managed(client, tokens.admin_of(org))["items"]]
    assert listed == [own_draft["id"]]
    assert partnered["id"] not in listed
    assert _managed(client, tokens.member_of(org))["items"] == []
    assert client.get("/me/managed-events").status_code == 401


def test_the_managed_list_pages_backwards_by_start(client, tokens, org, create_event):
    made = [create_event(org, **_starts(days))["id"] for days in (3, 1, 2)]
    first = _managed(client, tokens.admin_of(org), limit=2)
    assert [e["id"] for e in first["items"]] == [made[0], made[2]]
    rest = _managed(client, tokens.admin_of(org), limit=2, cursor=first["next_cursor"])
    assert [e["id"] for e in rest["items"]] == [made[1]] and rest["next_cursor"] is None
    edited = client.get("/me/managed-events", query_string={"cursor": "WyJ4Il0"}, headers=tokens.admin_of(org))
    assert edited.status_code == 400 and "cursor" in edited.get_json()["errors"]


def test_registrations_name_their_people_and_organizations(client, tokens, community, create_event):
    org = community.organization(name="Mülteci Destek Ağı")
    person = community.deliveries.person(full_name="Ahmad Haddad")["id"]
    community.membership(person, org)
    event = create_event(org, capacity=1)
    waiting = community.person(org)
    for who in (person, waiting):
        client.post(f"/events/{event['id']}/registrations", json={"organization_id": org},
                    headers=tokens.member_of(org, subject=who))
    registered = client.get(f"/events/{event['id']}/registrations?status=registered",
                            headers=tokens.coordinator()).get_json()["items"]
    assert [(r["person_name"], r["organization_name"]) for r in registered] == [("Ahmad Haddad", "Mülteci Destek Ağı")]
    [waitlisted] = client.get(f"/events/{event['id']}/registrations?status=waitlisted",
                              headers=tokens.coordinator()).get_json()["items"]
    assert waitlisted["person_name"].startswith("Kişi") and waitlisted["waitlist_position"] == 1


def test_organizers_see_who_gave_feedback_and_an_attendee_sees_their_own(client, tokens, org, community,
                                                                         create_event):
    event = create_event(org, starts_at=soon(-1).isoformat(), ends_at=soon(1).isoformat())
    came = community.deliveries.person(full_name="Elif Kaya")["id"]
    community.membership(came, org)
    client.post(f"/events/{event['id']}/registrations", json={"organization_id": org},
                headers=tokens.member_of(org, subject=came))
    client.post(f"/events/{event['id']}/attendance", headers=tokens.admin_of(org),
                json={"records": [{"person_id": came, "attended": True}]})
    url = f"/events/{event['id']}/feedback"
    given = client.post(url, json={"rating": 4, "comment": "Çok öğretici."}, headers=tokens.member_of(org, subject=came))
    assert given.status_code == 201, given.get_json()
    own = client.get(url, headers=tokens.member_of(org, subject=came)).get_json()
    assert own["mine"]["rating"] == 4 and own["items"] == []
    assert client.get(url, headers=tokens.member_of(org)).get_json()["mine"] is None
    [item] = client.get(url, headers=tokens.admin_of(org)).get_json()["items"]
    assert item["person_name"] == "Elif Kaya" and item["comment"] == "Çok öğretici."


def test_placements_name_their_participant_and_organizations(client, tokens, community):
    home, host = community.organization(name="Gençlik ve Demokrasi Girişimi"), community.organization(
        name="Amsterdam Civic Lab", country="NL", roles=("host_organization",))
    participant = community.deliveries.person(full_name="Berfin Aydın")["id"]
    community.membership(participant, home)
    created = client.post("/placements", json=placement_body(participant, home, host), headers=tokens.admin_of(home))
    assert created.status_code == 201, created.get_json()
    [listed] = client.get(f"/placements?organization_id={home}", headers=tokens.admin_of(home)).get_json()["items"]
    assert listed["participant_name"] == "Berfin Aydın"
    assert listed["organization_names"] == {home: "Gençlik ve Demokrasi Girişimi", host: "Amsterdam Civic Lab"}
    one = client.get(f"/placements/{listed['id']}", headers=tokens.admin_of(host)).get_json()
    assert one["participant_name"] == "Berfin Aydın"


def test_a_change_is_refused_in_words_for_the_form(client, tokens, org):
    backwards = client.post("/events", headers=tokens.coordinator(), json=event_body(
        org, starts_at=OMIT, ends_at=OMIT, starts_local="2030-05-01T14:00", ends_local="2030-05-01T12:00",
        time_zone="Europe/Dublin"))
    assert backwards.status_code == 422
    assert backwards.get_json()["errors"] == {"ends_at": ["The end must be after the start."]}
    nowhere = client.post("/events", json=event_body(org, format="in_person", online_url=None),
                          headers=tokens.coordinator())
    assert nowhere.status_code == 422
    assert nowhere.get_json()["errors"] == {"venue": ["An event in person needs a venue."]}
