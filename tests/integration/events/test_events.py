"""Events: create, read, list with filters, change with If-Match, schedule, reschedule, cancel."""
from __future__ import annotations

from datetime import timedelta

from tests.support.events import event_body, outbox, outbox_types, soon

PROBLEM = "application/problem+json"


def test_coordinator_schedules_an_event_and_its_message_goes_out(client, tokens, org, settings):
    response = client.post("/events", json=event_body(org), headers=tokens.coordinator())
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert event["status"] == "scheduled" and event["sequence"] == 0 and event["version"] == 1
    assert response.headers["ETag"] == '"v1"'
    assert response.headers["Location"].endswith(f"/events/{event['id']}")
    [message] = outbox(settings, event["id"])
    assert message["type"] == "events.event.scheduled"
    assert message["data"]["organizer_ids"] == [org] and message["data"]["title"]["en"].startswith("Civil")


def test_a_draft_says_nothing_until_it_is_scheduled(client, tokens, org, settings):
    created = client.post("/events", json=event_body(org, status="draft"), headers=tokens.coordinator()).get_json()
    assert created["status"] == "draft" and outbox_types(settings, created["id"]) == []
    scheduled = client.post(f"/events/{created['id']}/schedule", headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert scheduled.status_code == 200 and scheduled.get_json()["status"] == "scheduled"
    assert outbox_types(settings, created["id"]) == ["events.event.scheduled"]


def test_drafts_are_seen_by_their_organizers_only(client, tokens, org, community):
    draft = client.post("/events", json=event_body(org, status="draft"), headers=tokens.admin_of(org)).get_json()
    other = community.organization()
    assert client.get(f"/events/{draft['id']}", headers=tokens.member_of(other)).status_code == 404
    assert client.get(f"/events/{draft['id']}", headers=tokens.admin_of(org)).status_code == 200
    listed = client.get("/events?status=draft&limit=200", headers=tokens.member_of(other)).get_json()["items"]
    assert draft["id"] not in [e["id"] for e in listed]


def test_an_organization_admin_schedules_only_for_their_own_organization(client, tokens, org, community):
    other = community.organization()
    refused = client.post("/events", json=event_body(other), headers=tokens.admin_of(org))
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    assert client.post("/events", json=event_body(org), headers=tokens.admin_of(org)).status_code == 201
    member_only = client.post("/events", json=event_body(org), headers=tokens.member_of(org))
    assert member_only.status_code == 403


def test_without_a_token_writes_are_refused_and_only_public_events_are_seen(client, tokens, org, create_event):
    assert client.post("/events", json=event_body(org)).status_code == 401
    public = create_event(org, visibility="public")
    members = create_event(org, visibility="members")
    listed = [e["id"] for e in client.get("/events?limit=200&organization_id=" + org).get_json()["items"]]
    assert public["id"] in listed and members["id"] not in listed
    assert client.get(f"/events/{members['id']}").status_code == 404  # not 401: that would say it exists
    assert client.get(f"/events/{public['id']}").status_code == 200


def test_invitation_only_events_are_seen_by_the_invited(client, tokens, org, community, create_event):
    guest, stranger = community.organization(), community.organization()
    event = create_event(org, visibility="invitation", invited_ids=[guest])
    assert client.get(f"/events/{event['id']}", headers=tokens.member_of(guest)).status_code == 200
    assert client.get(f"/events/{event['id']}", headers=tokens.member_of(stranger)).status_code == 404
    listed = client.get(f"/events?limit=200&organization_id={org}", headers=tokens.member_of(stranger)).get_json()
    assert event["id"] not in [e["id"] for e in listed["items"]]


def test_the_online_link_is_shown_to_organizers_not_to_other_members(client, tokens, org, community, create_event):
    event = create_event(org)
    outsider = community.organization()
    assert client.get(f"/events/{event['id']}", headers=tokens.admin_of(org)).get_json()["online_url"]
    assert client.get(f"/events/{event['id']}", headers=tokens.member_of(outsider)).get_json()["online_url"] is None


def test_validation_names_the_field(client, tokens, org):
    body = event_body(org, kind="party", time_zone="Mars/Olympus", organizer_ids=[])
    del body["title"]
    response = client.post("/events", json=body, headers=tokens.coordinator())
    assert response.status_code == 422 and response.content_type == PROBLEM
    assert set(response.get_json()["errors"]) >= {"kind", "time_zone", "organizer_ids", "title"}


def test_an_end_before_the_start_is_refused(client, tokens, org):
    start = soon(48)
    body = event_body(org, starts_at=start.isoformat(), ends_at=(start - timedelta(hours=1)).isoformat())
    response = client.post("/events", json=body, headers=tokens.coordinator())
    assert response.status_code == 422 and "ends_at" in response.get_json()["errors"]


def test_times_without_an_offset_are_refused_as_instants(client, tokens, org):
    response = client.post("/events", json=event_body(org, starts_at="2027-03-01T10:00:00"), headers=tokens.coordinator())
    assert response.status_code == 422 and "starts_at" in response.get_json()["errors"]


def test_a_scheduled_event_needs_its_venue_or_link(client, tokens, org):
    response = client.post("/events", json=event_body(org, format="hybrid", online_url=None), headers=tokens.coordinator())
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"venue", "online_url"}


def test_an_unknown_or_deactivated_organization_cannot_organize(client, tokens, community):
    unknown = "00000000-0000-4000-8000-000000000001"
    response = client.post("/events", json=event_body(unknown), headers=tokens.coordinator())
    assert response.status_code == 422 and "organizer_ids" in response.get_json()["errors"]
    gone = community.organization()
    community.deactivate(gone)
    response = client.post("/events", json=event_body(gone), headers=tokens.coordinator())
    assert response.status_code == 409 and response.get_json()["title"] == "Organization is not active"


def test_patch_needs_if_match_and_a_stale_one_loses(client, tokens, org, create_event, settings):
    event = create_event(org)
    url, headers = f"/events/{event['id']}", tokens.coordinator()
    assert client.patch(url, json={"capacity": 40}, headers=headers).status_code == 428
    first = client.patch(url, json={"capacity": 40}, headers={**headers, "If-Match": '"v1"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"v2"'
    stale = client.patch(url, json={"capacity": 50}, headers={**headers, "If-Match": '"v1"'})
    assert stale.status_code == 412 and stale.content_type == PROBLEM
    assert outbox_types(settings, event["id"]) == ["events.event.scheduled", "events.event.updated"]


def test_moving_the_time_reschedules_and_raises_the_sequence(client, tokens, org, create_event, settings):
    event = create_event(org)
    start = soon(72)
    response = client.patch(f"/events/{event['id']}", headers={**tokens.coordinator(), "If-Match": '"v1"'},
                            json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=3)).isoformat()})
    moved = response.get_json()
    assert moved["status"] == "rescheduled" and moved["sequence"] == 1
    message = outbox(settings, event["id"])[-1]
    assert message["type"] == "events.event.rescheduled"
    assert message["data"]["previous_starts_at"].replace("Z", "+00:00") == event["starts_at"].replace("Z", "+00:00")
    assert message["data"]["sequence"] == 1


def test_an_unchanged_patch_is_no_new_version(client, tokens, org, create_event, settings):
    event = create_event(org)
    response = client.patch(f"/events/{event['id']}", json={"title": event["title"], "capacity": None},
                            headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"v1"'
    assert outbox_types(settings, event["id"]) == ["events.event.scheduled"]


def test_cancelling_publishes_the_reason_and_closes_the_event(client, tokens, org, create_event, settings):
    event = create_event(org)
    url = f"/events/{event['id']}"
    cancelled = client.post(f"{url}/cancel", json={"reason": "Speaker ill"},
                            headers={**tokens.admin_of(org), "If-Match": '"v1"'})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    message = outbox(settings, event["id"])[-1]
    assert message["type"] == "events.event.cancelled" and message["data"]["reason"] == "Speaker ill"
    closed = client.patch(url, json={"capacity": 3}, headers={**tokens.coordinator(), "If-Match": '"v2"'})
    assert closed.status_code == 409


def test_list_filters_and_cursor_pagination(client, tokens, community, create_event):
    org = community.organization()
    made = [create_event(org, kind="information_session", starts_at=(soon(24 + i)).isoformat(),
                         ends_at=(soon(25 + i)).isoformat(), topics=["fundraising"]) for i in range(5)]
    create_event(org, kind="thematic_meeting")
    seen, cursor = [], None
    while True:
        query = f"/events?organization_id={org}&kind=information_session&topic=fundraising&limit=2"
        response = client.get(query + (f"&cursor={cursor}" if cursor else ""), headers=tokens.member_of(org))
        page = response.get_json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert 'rel="next"' in response.headers["Link"]
    assert seen == [e["id"] for e in made]
    window = client.get("/events", query_string={"organization_id": org, "from": made[1]["starts_at"],
                                                 "to": made[3]["starts_at"]},
                        headers=tokens.member_of(org)).get_json()["items"]
    assert [e["id"] for e in window] == [made[1]["id"], made[2]["id"]]


def test_reading_with_an_etag_answers_304(client, tokens, org, create_event):
    event = create_event(org)
    response = client.get(f"/events/{event['id']}", headers={**tokens.member_of(org), "If-None-Match": '"v1"'})
    assert response.status_code == 304


def test_idempotent_create(client, tokens, org, settings):
    headers = {**tokens.coordinator(), "Idempotency-Key": f"evt-{org}"}
    body = event_body(org)  # once: a body made a second later differs, and a reused key refuses it
    first = client.post("/events", json=body, headers=headers)
    again = client.post("/events", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"] and again.headers.get("Idempotent-Replayed") == "true"


def test_a_partner_client_writes_only_its_own_organizations_events(client, tokens, community):
    wheel, other = community.organization(country="IE", roles=("partner_umbrella",)), community.organization()
    writer = tokens.partner(wheel, "events:read", "events:write")
    assert client.post("/events", json=event_body(wheel), headers=writer).status_code == 201
    assert client.post("/events", json=event_body(other), headers=writer).status_code == 403
    reader = tokens.partner(wheel, "events:read")
    assert client.post("/events", json=event_body(wheel), headers=reader).status_code == 403
