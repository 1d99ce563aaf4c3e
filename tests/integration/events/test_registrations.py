"""Registrations: capacity under concurrency, the waitlist, cancellation, attendance, refusals."""
from __future__ import annotations

import threading
from datetime import timedelta

from tests.support.events import execute, outbox_types, soon

PROBLEM = "application/problem+json"


def register(client, tokens, event_id, person, org):
    return client.post(f"/events/{event_id}/registrations", json={"organization_id": org},
                       headers=tokens.member_of(org, subject=person))


def test_a_member_registers_themselves_and_a_message_goes_out(client, tokens, org, community, create_event, settings):
    event = create_event(org, capacity=10)
    person = community.person(org)
    response = register(client, tokens, event["id"], person, org)
    assert response.status_code == 201, response.get_json()
    registration = response.get_json()
    assert registration["status"] == "registered" and registration["person_id"] == person
    assert outbox_types(settings, registration["id"]) == ["events.registration.created"]
    seen = client.get(f"/events/{event['id']}", headers=tokens.member_of(org, subject=person)).get_json()
    assert seen["registered_count"] == 1 and seen["seats_left"] == 9
    assert seen["online_url"] == "https://meet.example.org/birlikte"  # registered people see the link


def test_registering_twice_is_a_409(client, tokens, org, community, create_event):
    event = create_event(org)
    person = community.person(org)
    assert register(client, tokens, event["id"], person, org).status_code == 201
    again = register(client, tokens, event["id"], person, org)
    assert again.status_code == 409 and again.content_type == PROBLEM


def test_members_cannot_register_others_but_admins_register_their_people(client, tokens, org, community, create_event):
    event = create_event(org)
    someone = community.person(org)
    refused = client.post(f"/events/{event['id']}/registrations", json={"organization_id": org, "person_id": someone},
                          headers=tokens.member_of(org))
    assert refused.status_code == 403
    done = client.post(f"/events/{event['id']}/registrations", json={"organization_id": org, "person_id": someone},
                       headers=tokens.admin_of(org))
    assert done.status_code == 201


def test_a_person_registers_only_for_an_organization_they_belong_to(client, tokens, org, community, create_event):
    event = create_event(org)
    elsewhere = community.organization()
    person = community.person(elsewhere)
    response = client.post(f"/events/{event['id']}/registrations", json={"organization_id": org, "person_id": person},
                           headers=tokens.coordinator())
    assert response.status_code == 409 and "person_id" in response.get_json()["errors"]


def test_two_hundred_people_race_for_thirty_seats(client, tokens, community, create_event, app):
    org = community.organization()
    event = create_event(org, capacity=30)
    people = [community.person(org) for _ in range(200)]
    barrier = threading.Barrier(len(people))
    results: dict[str, dict] = {}

    def race(person):
        local = app.test_client()
        barrier.wait()
        response = register(local, tokens, event["id"], person, org)
        results[person] = response.get_json() | {"code": response.status_code}

    threads = [threading.Thread(target=race, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r["code"] for r in results.values()} == {201}
    registered = [r for r in results.values() if r["status"] == "registered"]
    waitlisted = sorted((r for r in results.values() if r["status"] == "waitlisted"),
                        key=lambda r: r["waitlist_position"])
    assert len(registered) == 30 and len(waitlisted) == 170
    assert [r["waitlist_position"] for r in waitlisted] == list(range(1, 171))
    listed, cursor = [], None
    while True:
        page = client.get(f"/events/{event['id']}/registrations?status=waitlisted&limit=200"
                          + (f"&cursor={cursor}" if cursor else ""), headers=tokens.admin_of(org)).get_json()
        listed += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    # The waitlist's order is the order of arrival: the positions given out match the stored order.
    assert [r["id"] for r in listed] == [r["id"] for r in waitlisted]
    counts = client.get(f"/events/{event['id']}", headers=tokens.admin_of(org)).get_json()
    assert (counts["registered_count"], counts["waitlist_count"], counts["seats_left"]) == (30, 170, 0)


def test_cancelling_promotes_the_first_on_the_waitlist(client, tokens, org, community, create_event, settings):
    event = create_event(org, capacity=1)
    first, second, third = (community.person(org) for _ in range(3))
    seat = register(client, tokens, event["id"], first, org).get_json()
    waiting = register(client, tokens, event["id"], second, org).get_json()
    behind = register(client, tokens, event["id"], third, org).get_json()
    assert (waiting["status"], waiting["waitlist_position"], behind["waitlist_position"]) == ("waitlisted", 1, 2)
    cancel = client.post(f"/events/{event['id']}/registrations/{seat['id']}/cancel",
                         headers=tokens.member_of(org, subject=first))
    assert cancel.status_code == 200 and cancel.get_json()["status"] == "cancelled"
    promoted = client.get(f"/events/{event['id']}/registrations/{waiting['id']}", headers=tokens.admin_of(org)).get_json()
    assert promoted["status"] == "registered" and promoted["promoted_at"]
    still = client.get(f"/events/{event['id']}/registrations/{behind['id']}", headers=tokens.admin_of(org)).get_json()
    assert (still["status"], still["waitlist_position"]) == ("waitlisted", 1)
    assert outbox_types(settings, waiting["id"]) == ["events.registration.created", "events.registration.promoted"]
    assert outbox_types(settings, seat["id"])[-1] == "events.registration.cancelled"


def test_raising_the_capacity_promotes_from_the_waitlist(client, tokens, org, community, create_event):
    event = create_event(org, capacity=1)
    register(client, tokens, event["id"], community.person(org), org)
    waiting = register(client, tokens, event["id"], community.person(org), org).get_json()
    raised = client.patch(f"/events/{event['id']}", json={"capacity": 2},
                          headers={**tokens.coordinator(), "If-Match": event_etag(client, tokens, event)})
    assert raised.status_code == 200 and raised.get_json()["registered_count"] == 2
    assert client.get(f"/events/{event['id']}/registrations/{waiting['id']}",
                      headers=tokens.admin_of(org)).get_json()["status"] == "registered"


def event_etag(client, tokens, event) -> str:
    return client.get(f"/events/{event['id']}", headers=tokens.coordinator()).headers["ETag"]


def test_capacity_below_the_registrations_is_refused(client, tokens, org, community, create_event):
    event = create_event(org, capacity=5)
    for _ in range(3):
        register(client, tokens, event["id"], community.person(org), org)
    response = client.patch(f"/events/{event['id']}", json={"capacity": 2},
                            headers={**tokens.coordinator(), "If-Match": event_etag(client, tokens, event)})
    assert response.status_code == 409 and "capacity" in response.get_json()["errors"]


def test_a_cancelled_or_past_event_takes_no_registrations(client, tokens, org, community, create_event, settings):
    cancelled = create_event(org)
    client.post(f"/events/{cancelled['id']}/cancel", json={}, headers={**tokens.coordinator(), "If-Match": '"v1"'})
    response = register(client, tokens, cancelled["id"], community.person(org), org)
    assert response.status_code == 409 and response.get_json()["title"] == "Event is cancelled"
    past = create_event(org)
    execute(settings, "UPDATE events.events SET starts_at = now() - interval '3 hours', "
                      "ends_at = now() - interval '1 hour' WHERE id = %s", (past["id"],))
    response = register(client, tokens, past["id"], community.person(org), org)
    assert response.status_code == 409 and response.get_json()["title"] == "Event is over"


def test_the_registration_window_is_enforced(client, tokens, org, community, create_event):
    later = create_event(org, registration_opens_at=soon(10).isoformat())
    response = register(client, tokens, later["id"], community.person(org), org)
    assert response.status_code == 409 and response.get_json()["title"] == "Registration is not open yet"


def test_a_deactivated_organization_can_no_longer_register(client, tokens, community, create_event):
    organizer, guest = community.organization(), community.organization()
    event = create_event(organizer)
    person = community.person(guest)
    community.deactivate(guest)
    response = register(client, tokens, event["id"], person, guest)
    assert response.status_code == 409 and response.get_json()["title"] == "Organization is not active"


def test_invitation_only_events_take_the_invited_only(client, tokens, community, create_event):
    organizer, guest, stranger = (community.organization() for _ in range(3))
    event = create_event(organizer, visibility="invitation", invited_ids=[guest])
    assert register(client, tokens, event["id"], community.person(guest), guest).status_code == 201
    assert register(client, tokens, event["id"], community.person(stranger), stranger).status_code == 404


def test_a_registration_at_the_same_time_as_another_is_warned_about(client, tokens, org, community, create_event):
    start = soon(100)
    one = create_event(org, starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat())
    two = create_event(org, starts_at=(start + timedelta(hours=1)).isoformat(),
                       ends_at=(start + timedelta(hours=3)).isoformat())
    person = community.person(org)
    assert register(client, tokens, one["id"], person, org).get_json()["warnings"] == []
    second = register(client, tokens, two["id"], person, org)
    assert second.status_code == 201
    [warning] = second.get_json()["warnings"]
    assert warning["code"] == "overlapping_registration" and warning["event_id"] == one["id"]


def test_attendance_after_the_event_started(client, tokens, org, community, create_event, settings):
    start = soon(-1)
    event = create_event(org, starts_at=start.isoformat(), ends_at=soon(1).isoformat())
    came, missed, stranger = community.person(org), community.person(org), community.person(org)
    came_reg = register(client, tokens, event["id"], came, org).get_json()
    register(client, tokens, event["id"], missed, org)
    url = f"/events/{event['id']}/attendance"
    refused = client.post(url, json={"records": [{"person_id": came, "attended": True}]}, headers=tokens.member_of(org))
    assert refused.status_code == 403
    unknown = client.post(url, json={"records": [{"person_id": stranger, "attended": True}]},
                          headers=tokens.admin_of(org))
    assert unknown.status_code == 422
    response = client.post(url, json={"records": [{"person_id": came, "attended": True},
                                                  {"person_id": missed, "attended": False}]},
                           headers=tokens.admin_of(org))
    assert response.status_code == 200
    assert {r["person_id"]: r["attendance"] for r in response.get_json()["items"]} == {
        came: "attended", missed: "no_show"}
    assert outbox_types(settings, came_reg["id"])[-1] == "events.registration.attended"


def test_attendance_is_refused_before_the_event(client, tokens, org, community, create_event):
    event = create_event(org)
    person = community.person(org)
    register(client, tokens, event["id"], person, org)
    response = client.post(f"/events/{event['id']}/attendance",
                           json={"records": [{"person_id": person, "attended": True}]}, headers=tokens.admin_of(org))
    assert response.status_code == 409


def test_a_person_lists_their_own_registrations(client, tokens, org, community, create_event):
    person, other = community.person(org), community.person(org)
    made = [register(client, tokens, create_event(org)["id"], person, org).get_json() for _ in range(2)]
    register(client, tokens, create_event(org)["id"], other, org)
    listed = client.get("/me/registrations", headers=tokens.member_of(org, subject=person)).get_json()["items"]
    assert [r["id"] for r in listed] == [r["id"] for r in made]
    assert client.get("/me/registrations", headers=tokens.partner(org, "events:read")).status_code == 403
