"""A simulated partner system (The Wheel's): upserts by its own ids, twice without changes, edits and
cancels, then pulls the change feed from zero and from the middle, surviving its own crash — and
the feed never skips a change that a slower transaction commits late."""
from __future__ import annotations

import time
from datetime import timedelta

import psycopg
import pytest

from shared.db import connect
from tests.support.events import event_body, soon


class Partner:
    def __init__(self, client, tokens, organization, headers=None):
        self.client, self.organization = client, organization
        self.headers = headers or tokens.partner(organization, "events:read", "events:write")
        self.base = soon(24 * 30)  # the partner's own calendar: the same body every time it pushes

    def body(self, n: int, **overrides) -> dict:
        start = self.base + timedelta(hours=n)
        fields = {"kind": "thematic_meeting", "visibility": "members", "title": {"en": f"Wheel meeting {n}"},
                  "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
                  "time_zone": "Europe/Dublin"}
        return event_body(self.organization, **{**fields, **overrides})

    def put(self, n: int, **overrides):
        return self.client.put(f"/partners/{self.organization}/events/wheel-{n}", json=self.body(n, **overrides),
                               headers=self.headers)

    def pull(self, cursor=None, limit=500) -> dict:
        query = f"/feed?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = self.client.get(query, headers=self.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def pull_all_including(self, event_id, cursor=None, limit=500, count=1) -> tuple[list, str]:
        """pull_all once the feed serves `count` changes of `event_id`: a long transaction anywhere in
        the cluster (another test run, a benchmark) holds the feed back a moment — a delay, never a skip."""
        deadline = time.monotonic() + 15
        while True:
            changes, end = self.pull_all(cursor, limit)
            if [c["event_id"] for c in changes].count(event_id) >= count or time.monotonic() > deadline:
                return changes, end
            time.sleep(0.1)

    def pull_all(self, cursor=None, limit=500) -> tuple[list, str]:
        changes = []
        while True:
            page = self.pull(cursor, limit)
            changes += page["items"]
            cursor = page["cursor"]
            if not page["more"]:
                return changes, cursor


def count(settings, table: str) -> int:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table}").fetchone()[0]  # noqa: S608 (fixed names)


@pytest.fixture
def wheel(client, tokens, community):
    return Partner(client, tokens, community.organization(country="IE", roles=("partner_umbrella",)))


def test_a_thousand_events_pushed_twice_change_nothing_the_second_time(wheel, settings):
    for n in range(1000):
        assert wheel.put(n).status_code == 201
    changes, outbox = count(settings, "changes"), count(settings, "outbox")
    for n in range(1000):
        response = wheel.put(n)
        assert response.status_code == 200 and response.headers["ETag"] == '"v1"'
    assert (count(settings, "changes"), count(settings, "outbox")) == (changes, outbox)


def test_a_changed_body_updates_once_if_match_guards_and_a_delete_cancels(wheel, settings):
    created = wheel.put(1).get_json()
    before = count(settings, "changes")
    moved = wheel.put(1, ends_at=(wheel.base + timedelta(hours=4)).isoformat())
    assert moved.status_code == 200 and moved.get_json()["status"] == "rescheduled"
    assert wheel.put(1, ends_at=(wheel.base + timedelta(hours=4)).isoformat()).status_code == 200
    assert count(settings, "changes") == before + 1  # the repeat published nothing
    stale = wheel.client.put(f"/partners/{wheel.organization}/events/wheel-1", json=wheel.body(1, capacity=9),
                             headers={**wheel.headers, "If-Match": '"v1"'})
    assert stale.status_code == 412
    gone = wheel.client.delete(f"/partners/{wheel.organization}/events/wheel-1", headers=wheel.headers)
    assert gone.status_code == 200 and gone.get_json()["status"] == "cancelled"
    assert gone.get_json()["id"] == created["id"]
    assert wheel.client.delete(f"/partners/{wheel.organization}/events/wheel-1",
                               headers=wheel.headers).get_json()["status"] == "cancelled"  # idempotent


def test_a_partner_writes_only_its_own_organizations_events(wheel, client, tokens, community):
    other = community.organization()
    foreign = client.put(f"/partners/{other}/events/x-1", json=wheel.body(1), headers=wheel.headers)
    assert foreign.status_code == 403
    not_organizer = client.put(f"/partners/{wheel.organization}/events/x-2",
                               json={**wheel.body(2), "organizer_ids": [other]}, headers=wheel.headers)
    assert not_organizer.status_code == 422 and "organizer_ids" in not_organizer.get_json()["errors"]
    reader = tokens.partner(wheel.organization, "events:read")
    assert client.put(f"/partners/{wheel.organization}/events/x-3", json=wheel.body(3), headers=reader).status_code == 403


def test_the_feed_from_zero_and_from_the_middle_survives_a_crash_between_pages(wheel):
    ids = [wheel.put(n).get_json()["id"] for n in range(30)]
    wheel.put(3, capacity=12)
    wheel.client.delete(f"/partners/{wheel.organization}/events/wheel-7", headers=wheel.headers)
    everything, end = wheel.pull_all_including(ids[7])
    ours = [(c["type"], c["event_id"]) for c in everything if c["event_id"] in ids]
    assert ours[:30] == [("events.event.scheduled", i) for i in ids]
    assert ours[30:] == [("events.event.updated", ids[3]), ("events.event.cancelled", ids[7])]
    cancelled = next(c for c in everything if c["event_id"] == ids[7] and c["type"] == "events.event.cancelled")
    assert cancelled["data"]["external_id"] == "wheel-7"  # the partner recognises its own id
    # From the middle, in small pages; the partner "crashes" after a page and pulls it again.
    first = wheel.pull(limit=7)
    again = wheel.pull(limit=7)
    assert first == again
    rest, _ = wheel.pull_all(first["cursor"], limit=7)
    assert [c["event_id"] for c in first["items"] + rest] == [c["event_id"] for c in everything]
    assert wheel.pull(end)["items"] == [] and wheel.pull(end)["cursor"] == end


def test_a_change_committed_late_by_a_slower_transaction_is_not_skipped(wheel, settings):
    _, cursor = wheel.pull_all()
    slow = connect(settings, "events")  # a transaction that started first and commits last
    slow.execute("INSERT INTO changes (event_id, type, organization_ids, visibility, payload) VALUES "
                 "(gen_random_uuid(), 'events.event.updated', %s, 'members', '{\"slow\": true}')",
                 ([wheel.organization],))
    try:
        fast = wheel.put(500).get_json()  # commits at once, after the slow one began
        page = wheel.pull(cursor)
        assert fast["id"] not in [c["event_id"] for c in page["items"]], "served past a running transaction"
        assert page["cursor"] == cursor
        slow.commit()
    finally:
        slow.close()
    changes, _ = wheel.pull_all_including(fast["id"], cursor)
    order = [("slow" if c["data"].get("slow") else c["event_id"]) for c in changes]
    assert "slow" in order and fast["id"] in order
    assert order.index("slow") < order.index(fast["id"])  # the late commit is served, and first


def test_the_feed_gives_the_online_link_only_to_the_organizations_running_the_event(wheel, client, tokens, community):
    event = wheel.put(900, visibility="public").get_json()
    readers = ((wheel.headers, True), (tokens.coordinator(), True),
               (tokens.partner(community.organization(), "events:read"), False),
               (tokens.member_of(community.organization()), False))
    for headers, sees in readers:
        changes, _ = Partner(client, tokens, wheel.organization, headers).pull_all_including(event["id"], limit=1000)
        [change] = [c for c in changes if c["event_id"] == event["id"]]
        assert change["data"]["online_url"] == ("https://meet.example.org/birlikte" if sees else None), headers


def test_the_feed_orders_transaction_ids_as_numbers_not_as_text(wheel, settings):
    """txid 9 before txid 10: ordered as text, "10" would come first and the cursor past it
    would skip 9 for good. The two lowest txids of the run, written directly (xid8 takes a value)."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        for txid in (9, 10):
            conn.execute("INSERT INTO events.changes (txid, event_id, type, organization_ids, visibility, payload) "
                         "VALUES (%s::text::xid8, gen_random_uuid(), 'events.event.updated', %s, 'members', %s)",
                         (txid, [wheel.organization], f'{{"txid": {txid}}}'))
    first = wheel.pull(limit=1)
    second = wheel.pull(first["cursor"], limit=1)
    assert [first["items"][0]["data"], second["items"][0]["data"]] == [{"txid": 9}, {"txid": 10}]


def test_an_event_the_partner_withdrew_and_sends_again_is_scheduled_again(wheel, client, tokens, settings):
    created = wheel.put(950).get_json()
    assert client.delete(f"/partners/{wheel.organization}/events/wheel-950", headers=wheel.headers).status_code == 200
    back = wheel.put(950)  # the same body as before the withdrawal
    assert back.status_code == 200 and back.get_json()["status"] == "scheduled"
    assert back.get_json()["sequence"] == 1  # calendars replace their cancelled copy
    changes, _ = wheel.pull_all_including(created["id"], count=3)
    assert [c["type"] for c in changes if c["event_id"] == created["id"]] == [
        "events.event.scheduled", "events.event.cancelled", "events.event.reinstated"]
    # An event an organizer here cancelled is not the partner's to bring back.
    client.post(f"/events/{created['id']}/cancel", json={"reason": "Venue closed"},
                headers={**tokens.coordinator(), "If-Match": back.headers["ETag"]})
    refused = wheel.put(950, capacity=40)
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
