"""The rest of the program: series, topic proposals and votes, study visits, feedback, completion."""
from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

from services.events.worker import complete_ended
from tests.support.events import event_body, execute, outbox_types, placement_body, propose, soon


def test_coordinators_make_series_and_events_join_them(client, tokens, org, create_event):
    body = {"title": {"tr": "Sivil Alan Tartışmaları", "en": "Civil Space Discussions"}, "kind": "civil_space_discussion"}
    assert client.post("/series", json=body, headers=tokens.admin_of(org)).status_code == 403
    series = client.post("/series", json=body, headers=tokens.coordinator()).get_json()
    event = create_event(org, series_id=series["id"])
    listed = client.get(f"/events?series_id={series['id']}", headers=tokens.member_of(org)).get_json()["items"]
    assert [e["id"] for e in listed] == [event["id"]]
    unknown = client.post("/events", json=event_body(org, series_id=str(uuid.uuid4())), headers=tokens.coordinator())
    assert unknown.status_code == 422 and "series_id" in unknown.get_json()["errors"]


def test_one_vote_per_organization_per_topic(client, tokens, community, settings):
    proposer, voter = community.organization(), community.organization()
    topic = propose(client, tokens, proposer)
    first = client.post(f"/topics/{topic['id']}/votes", json={}, headers=tokens.member_of(voter))
    assert first.status_code == 201 and first.get_json()["votes"] == 1
    # A colleague from the same organization cannot vote again.
    again = client.post(f"/topics/{topic['id']}/votes", json={}, headers=tokens.member_of(voter))
    assert again.status_code == 409 and again.get_json()["title"] == "Already voted"
    foreign = client.post(f"/topics/{topic['id']}/votes", json={"organization_id": proposer},
                          headers=tokens.member_of(voter))
    assert foreign.status_code == 403
    assert outbox_types(settings, topic["id"]) == ["events.topic.proposed", "events.topic.voted"]


def test_concurrent_votes_are_all_counted_once(client, tokens, community, app):
    topic = propose(client, tokens, community.organization())
    voters = [community.organization() for _ in range(12)]
    codes = []

    def vote(org):
        codes.append(app.test_client().post(f"/topics/{topic['id']}/votes", json={},
                                            headers=tokens.member_of(org)).status_code)

    threads = [threading.Thread(target=vote, args=(o,)) for o in voters * 2]  # each organization tries twice
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] * 12 + [409] * 12
    assert client.get(f"/topics/{topic['id']}", headers=tokens.member_of(voters[0])).get_json()["votes"] == 12


def test_the_ranking_puts_the_most_requested_topics_first(client, tokens, community):
    orgs = [community.organization() for _ in range(4)]
    voter = {org: tokens.member_of(org, subject=community.person(org)) for org in orgs}
    workers = propose(client, tokens, orgs[0], "İşçi hakları", ("workers_rights",))
    hr = propose(client, tokens, orgs[1], "STK'larda insan kaynakları", ("hr_management",))
    quiet = propose(client, tokens, orgs[2], "Veri sistemleri", ("data_systems",))
    for org in orgs[:3]:
        client.post(f"/topics/{workers['id']}/votes", json={}, headers=voter[org])
    for org in orgs[:2]:
        client.post(f"/topics/{hr['id']}/votes", json={}, headers=voter[org])
    withdrawn = client.delete(f"/topics/{workers['id']}/votes/{orgs[2]}", headers=voter[orgs[2]])
    assert withdrawn.status_code == 204
    client.post(f"/topics/{workers['id']}/votes", json={}, headers=voter[orgs[3]])
    client.post(f"/topics/{workers['id']}/votes", json={}, headers=voter[orgs[2]])
    ranking = client.get("/topics/ranking?limit=100", headers=tokens.member_of(orgs[0])).get_json()
    ours = [t["id"] for t in ranking if t["id"] in {workers["id"], hr["id"], quiet["id"]}]
    assert ours == [workers["id"], hr["id"], quiet["id"]]
    assert next(t for t in ranking if t["id"] == workers["id"])["votes"] == 4


def test_a_topic_becomes_a_discussion_event(client, tokens, community, settings):
    org = community.organization()
    topic = propose(client, tokens, org, "Çalışma ilişkileri", ("workers_rights", "hr_management"))
    start = soon(200)
    response = client.post(f"/topics/{topic['id']}/event", headers={**tokens.admin_of(org), "If-Match": '"v1"'},
                           json={"format": "online", "starts_at": start.isoformat(), "time_zone": "Europe/Istanbul",
                                 "ends_at": (start + timedelta(hours=2)).isoformat(), "organizer_ids": [org],
                                 "online_url": "https://meet.example.org/x", "status": "scheduled"})
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert event["kind"] == "civil_space_discussion" and event["topic_id"] == topic["id"]
    assert event["title"] == {"tr": "Çalışma ilişkileri"} and set(event["topics"]) == {"workers_rights", "hr_management"}
    now_topic = client.get(f"/topics/{topic['id']}", headers=tokens.member_of(org)).get_json()
    assert (now_topic["status"], now_topic["event_id"]) == ("scheduled", event["id"])
    assert outbox_types(settings, topic["id"])[-1] == "events.topic.scheduled"
    closed = client.post(f"/topics/{topic['id']}/votes", json={}, headers=tokens.member_of(community.organization()))
    assert closed.status_code == 409


def test_a_study_visit_placement_moves_through_its_states(client, tokens, community, settings):
    home, host = community.organization(), community.organization(country="DE", roles=("host_organization",))
    participant = community.person(home)
    response = client.post("/placements", json=placement_body(participant, home, host), headers=tokens.admin_of(home))
    assert response.status_code == 201, response.get_json()
    placement = response.get_json()
    assert placement["status"] == "proposed"
    url = f"/placements/{placement['id']}"
    confirmed = client.patch(url, json={"status": "confirmed"}, headers={**tokens.admin_of(host), "If-Match": '"v1"'})
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    backwards = client.patch(url, json={"status": "proposed"}, headers={**tokens.admin_of(home), "If-Match": '"v2"'})
    assert backwards.status_code == 409
    assert outbox_types(settings, placement["id"]) == ["events.placement.proposed", "events.placement.confirmed"]
    assert client.get(url, headers=tokens.member_of(community.organization())).status_code == 403
    assert client.get(url, headers=tokens.member_of(home, subject=participant)).status_code == 200


def test_the_host_must_be_an_active_organization(client, tokens, community):
    home, host = community.organization(), community.organization()
    participant = community.person(home)
    community.deactivate(host)
    response = client.post("/placements", json=placement_body(participant, home, host), headers=tokens.admin_of(home))
    assert response.status_code == 409 and "host_organization_id" in response.get_json()["errors"]
    unknown = client.post("/placements", json=placement_body(participant, home, str(uuid.uuid4())),
                          headers=tokens.admin_of(home))
    assert unknown.status_code == 422


def test_placement_dates_and_rights(client, tokens, community):
    home, host = community.organization(), community.organization()
    participant = community.person(home)
    backwards = placement_body(participant, home, host, starts_on="2027-05-14", ends_on="2027-05-03")
    response = client.post("/placements", json=backwards, headers=tokens.admin_of(home))
    assert response.status_code == 422 and "ends_on" in response.get_json()["errors"]
    assert client.post("/placements", json=placement_body(participant, home, host),
                       headers=tokens.admin_of(host)).status_code == 403


def test_feedback_comes_from_attendees_only(client, tokens, org, community, create_event):
    event = create_event(org, starts_at=soon(-2).isoformat(), ends_at=soon(-0.5 + 1).isoformat())
    came, absent = community.person(org), community.person(org)
    for person in (came, absent):
        client.post(f"/events/{event['id']}/registrations", json={"organization_id": org},
                    headers=tokens.member_of(org, subject=person))
    client.post(f"/events/{event['id']}/attendance", headers=tokens.admin_of(org),
                json={"records": [{"person_id": came, "attended": True}, {"person_id": absent, "attended": False}]})
    url = f"/events/{event['id']}/feedback"
    body = {"rating": 5, "comment": "Çok güvenli bir alandı.", "consent_to_quote": True}
    assert client.post(url, json=body, headers=tokens.member_of(org, subject=absent)).status_code == 403
    assert client.post(url, json={**body, "rating": 9}, headers=tokens.member_of(org, subject=came)).status_code == 422
    assert client.post(url, json=body, headers=tokens.member_of(org, subject=came)).status_code == 201
    assert client.post(url, json=body, headers=tokens.member_of(org, subject=came)).status_code == 409
    summary = client.get(url, headers=tokens.member_of(org)).get_json()
    assert summary["count"] == 1 and summary["average_rating"] == 5.0
    assert summary["quotes"] == [{"rating": 5, "comment": "Çok güvenli bir alandı."}] and summary["items"] == []
    assert len(client.get(url, headers=tokens.admin_of(org)).get_json()["items"]) == 1


def test_the_timer_completes_events_that_have_ended(client, tokens, org, create_event, events_pool, settings):
    ended, running = create_event(org), create_event(org)
    execute(settings, "UPDATE events.events SET starts_at = now() - interval '2 hours', ends_at = now() - "
                      "interval '1 minute' WHERE id = %s", (ended["id"],))
    assert complete_ended(events_pool) >= 1
    assert client.get(f"/events/{ended['id']}", headers=tokens.admin_of(org)).get_json()["status"] == "completed"
    assert client.get(f"/events/{running['id']}", headers=tokens.admin_of(org)).get_json()["status"] == "scheduled"
    assert outbox_types(settings, ended["id"]) == ["events.event.scheduled", "events.event.completed"]
    assert complete_ended(events_pool) == 0  # nothing twice


def test_series_are_open_to_anyone_but_a_bad_token_sent_is_refused(client, tokens):
    assert client.get("/series").status_code == 200
    refused = client.get("/series", headers={"Authorization": "Bearer not-a-token"})
    assert refused.status_code == 401 and refused.content_type == "application/problem+json"
    assert client.get("/series", headers=tokens.coordinator()).status_code == 200
