"""Who sees and does what, the same on every read path: the feed shows what the list shows, one
rule gives the online link, votes are withdrawn by who cast them, co-organizers agree before they
count, hidden events are 404 for everyone, and the feed is not held back by other databases."""
from __future__ import annotations

import logging
import time

import psycopg
from psycopg.conninfo import make_conninfo

from services.events.api import partners
from tests.support.events import propose

PROBLEM = "application/problem+json"
LINK = "https://meet.example.org/birlikte"


def feed_of(client, headers, wanted: set[str], seconds: float = 15) -> dict[str, list[dict]]:
    """event id → the feed's changes of it, among `wanted`, once every one the caller may see
    has arrived (or the time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        found, cursor = {}, None
        while True:
            page = client.get("/feed?limit=1000" + (f"&cursor={cursor}" if cursor else ""), headers=headers).get_json()
            for change in page["items"]:
                if change["event_id"] in wanted:
                    found.setdefault(change["event_id"], []).append(change)
            cursor = page["cursor"]
            if not page["more"]:
                break
        if set(found) == wanted or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def listed(client, headers, ids) -> set[str]:
    query = "&".join(f"id={i}" for i in ids)
    return {e["id"] for e in client.get(f"/events?limit=100&{query}", headers=headers).get_json()["items"]}


# --- 1. The feed shows what the list shows ------------------------------------------------------

def test_a_partner_client_reads_in_the_feed_exactly_the_events_it_may_list(client, tokens, community, create_event):
    partner_org, other = community.organization(), community.organization()
    made = {
        "public": create_event(other, visibility="public"),
        "members": create_event(other, visibility="members"),
        "invited": create_event(other, visibility="invitation", invited_ids=[partner_org]),
        "not invited": create_event(other, visibility="invitation"),
        "its own": create_event(partner_org, visibility="members"),
    }
    ids = {e["id"] for e in made.values()}
    reader = tokens.partner(partner_org, "events:read")
    expected = {made[k]["id"] for k in ("public", "invited", "its own")}
    assert listed(client, reader, ids) == expected
    assert set(feed_of(client, reader, expected)) == expected
    assert set(feed_of(client, reader, ids, seconds=1)) == expected  # members-only of others: never


# --- 2. One rule for the online link -------------------------------------------------------------

def test_the_feed_and_the_event_give_the_online_link_to_the_same_callers(client, tokens, community, create_event):
    organizer, co_organizer = community.organization(), community.organization()
    event = create_event(organizer, organizer_ids=[organizer, co_organizer], visibility="members")
    registered_person = community.person(co_organizer)
    registered = tokens.member_of(co_organizer, subject=registered_person)
    assert client.post(f"/events/{event['id']}/registrations", json={}, headers=registered).status_code == 201
    callers = {"unregistered co-organizer member": (tokens.member_of(co_organizer), None),
               "registered co-organizer member": (registered, LINK),
               "co-organizer admin": (tokens.admin_of(co_organizer), LINK),
               "coordinator": (tokens.coordinator(), LINK)}
    for name, (headers, link) in callers.items():
        assert client.get(f"/events/{event['id']}", headers=headers).get_json()["online_url"] == link, name
        [change] = feed_of(client, headers, {event["id"]})[event["id"]]
        assert change["data"]["online_url"] == link, name


# --- 3. A vote is withdrawn by who cast it -------------------------------------------------------

def test_only_the_voter_an_admin_of_their_organization_or_a_coordinator_withdraws_a_vote(client, tokens, community):
    proposer, voters = community.organization(), community.organization()
    topic = propose(client, tokens, proposer)
    voter = tokens.member_of(voters, subject=community.person(voters))
    votes = f"/topics/{topic['id']}/votes"

    def vote():
        assert client.post(votes, json={}, headers=voter).status_code == 201

    vote()
    refused = client.delete(f"{votes}/{voters}", headers=tokens.member_of(voters))
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    assert client.get(f"/topics/{topic['id']}", headers=voter).get_json()["votes"] == 1
    for withdrawer in (voter, tokens.admin_of(voters), tokens.coordinator()):
        assert client.delete(f"{votes}/{voters}", headers=withdrawer).status_code == 204
        vote()


# --- 4. A co-organizer agrees before it counts ---------------------------------------------------

def test_an_organization_named_by_another_admin_is_invited_and_counts_once_it_accepts(
        client, tokens, community, create_event, settings):
    mine, theirs = community.organization(), community.organization()
    admin, their_admin = tokens.admin_of(mine), tokens.admin_of(theirs)
    event = create_event(mine, headers=admin, organizer_ids=[mine, theirs])
    assert event["organizer_ids"] == [mine] and event["pending_organizer_ids"] == [theirs]
    assert client.patch(f"/events/{event['id']}", json={"capacity": 10}, headers={
        **their_admin, "If-Match": f'"v{event["version"]}"'}).status_code == 403
    invitations = client.get("/me/organizer-invitations", headers=their_admin).get_json()["items"]
    assert [e["id"] for e in invitations] == [event["id"]]
    assert client.get("/me/organizer-invitations", headers=tokens.member_of(theirs)).get_json()["items"] == []

    refused = client.post(f"/events/{event['id']}/organizers/{theirs}/accept", headers=tokens.member_of(theirs))
    assert refused.status_code == 403 and refused.content_type == PROBLEM
    accepted = client.post(f"/events/{event['id']}/organizers/{theirs}/accept", headers=their_admin)
    assert accepted.status_code == 200 and accepted.get_json()["organizer_ids"] == [mine, theirs]
    assert accepted.get_json()["pending_organizer_ids"] == []
    assert client.get("/me/organizer-invitations", headers=their_admin).get_json()["items"] == []
    again = client.post(f"/events/{event['id']}/organizers/{theirs}/accept", headers=their_admin)
    assert again.status_code == 404 and again.content_type == PROBLEM
    with psycopg.connect(settings.database_url) as conn:
        organizers = conn.execute("SELECT envelope->'data'->'organizer_ids' FROM events.outbox WHERE "
                                  "envelope->>'subject' = %s ORDER BY id DESC LIMIT 1", (event["id"],)).fetchone()[0]
    assert organizers == [mine, theirs]  # the other services learn of it as an update


def test_a_declined_invitation_leaves_the_organizers_as_they_were_and_coordinators_name_directly(
        client, tokens, community, create_event):
    mine, theirs, third = community.organization(), community.organization(), community.organization()
    event = create_event(mine, headers=tokens.admin_of(mine), organizer_ids=[mine, theirs])
    declined = client.post(f"/events/{event['id']}/organizers/{theirs}/decline", headers=tokens.admin_of(theirs))
    assert declined.status_code == 204
    assert client.get(f"/events/{event['id']}", headers=tokens.admin_of(mine)).get_json()["organizer_ids"] == [mine]
    assert client.post(f"/events/{event['id']}/organizers/{theirs}/accept",
                       headers=tokens.admin_of(theirs)).status_code == 404
    named = create_event(mine, organizer_ids=[mine, third])  # by a coordinator
    assert named["organizer_ids"] == [mine, third]
    both = create_event(mine, headers=tokens.admin_of(mine, third), organizer_ids=[mine, third])
    assert both["organizer_ids"] == [mine, third]


def test_a_change_naming_another_organization_invites_it(client, tokens, community, create_event):
    mine, theirs = community.organization(), community.organization()
    admin = tokens.admin_of(mine)
    event = create_event(mine, headers=admin)
    changed = client.patch(f"/events/{event['id']}", json={"organizer_ids": [mine, theirs]},
                           headers={**admin, "If-Match": f'"v{event["version"]}"'})
    assert changed.status_code == 200 and changed.get_json()["organizer_ids"] == [mine]
    invitations = client.get("/me/organizer-invitations", headers=tokens.admin_of(theirs)).get_json()["items"]
    assert [e["id"] for e in invitations] == [event["id"]]


# --- 5. Hidden is 404, for everyone --------------------------------------------------------------

def test_anonymous_readers_get_404_for_every_event_they_may_not_see(client, org, create_event):
    hidden = [create_event(org, status="draft"), create_event(org, visibility="invitation"),
              create_event(org, visibility="members")]
    for event in hidden:
        for path in (f"/events/{event['id']}", f"/events/{event['id']}.ics"):
            response = client.get(path)
            assert response.status_code == 404 and response.content_type == PROBLEM, (path, event["visibility"])
    assert client.get(f"/events/{create_event(org, visibility='public')['id']}").status_code == 200


# --- 6. Only this database's transactions hold the feed back ------------------------------------

def test_an_idle_transaction_in_another_database_does_not_hold_the_feed_back(client, tokens, org, create_event,
                                                                             settings):
    with psycopg.connect(make_conninfo(settings.database_url, dbname="postgres")) as elsewhere:
        elsewhere.execute("SELECT pg_current_xact_id()")  # an xid, then idle in transaction
        event = create_event(org)
        assert event["id"] in feed_of(client, tokens.coordinator(), {event["id"]}, seconds=3)
        elsewhere.rollback()


def test_a_feed_held_back_by_a_transaction_of_this_database_says_which_one(
        client, tokens, org, settings, caplog, monkeypatch):
    monkeypatch.setattr(partners, "HELD_BACK_WARNING_SECONDS", 1.5)
    with psycopg.connect(settings.database_url) as holder:
        xid = holder.execute("SELECT xid(pg_current_xact_id())::text").fetchone()[0]
        time.sleep(2)
        with caplog.at_level(logging.WARNING, logger=partners.log.name):
            assert client.get("/feed?limit=1", headers=tokens.coordinator()).status_code == 200
        holder.rollback()
    held = [(r.txid, r.since) for r in caplog.records if r.getMessage() == "change feed held back"]
    assert len(held) == 1 and held[0][0] == xid and held[0][1], held


# --- 7. The personal calendar URL is built from the configured address ---------------------------

def test_the_personal_calendar_url_ignores_a_forged_host_header(client, tokens, org, community, settings):
    me = tokens.member_of(org, subject=community.person(org))
    url = client.post("/me/calendar", headers={**me, "Host": "evil.example"}).get_json()["url"]
    assert url.startswith(settings.url_of("events") + "/calendars/personal/") and "evil.example" not in url
