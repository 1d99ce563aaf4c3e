"""The inbox, preferences and one-click unsubscribe over HTTP."""
from __future__ import annotations

from services.notifications import unsubscribe
from tests.support.notifications import notifications_of

PROBLEM = "application/problem+json"


def test_the_inbox_lists_counts_and_marks_read(bus, client, tokens):
    person = bus.person()
    for _ in range(3):
        bus.registration(bus.event(), person)
    me = tokens.member_of(subject=person["id"])
    assert client.get("/inbox/unread-count", headers=me).get_json() == {"unread": 3}
    first = client.get("/inbox?limit=2", headers=me).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(f"/inbox?limit=2&cursor={first['next_cursor']}", headers=me).get_json()
    items = first["items"] + rest["items"]
    assert len(items) == 3 and len({i["id"] for i in items}) == 3
    assert [i["created_at"] for i in items] == sorted((i["created_at"] for i in items), reverse=True)
    read = client.post(f"/inbox/{items[0]['id']}/read", headers=me)
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert client.get("/inbox/unread-count", headers=me).get_json() == {"unread": 2}
    assert [i["id"] for i in client.get("/inbox?unread=true", headers=me).get_json()["items"]] == [
        i["id"] for i in items[1:]]
    assert client.post("/inbox/read-all", json={}, headers=me).get_json() == {"unread": 0}


def test_nobody_reads_or_marks_another_persons_inbox(bus, client, tokens):
    person, other = bus.person(), bus.person()
    bus.registration(bus.event(), person)
    mine = client.get("/inbox", headers=tokens.member_of(subject=person["id"])).get_json()["items"]
    assert client.get("/inbox", headers=tokens.member_of(subject=other["id"])).get_json()["items"] == []
    stolen = client.post(f"/inbox/{mine[0]['id']}/read", headers=tokens.member_of(subject=other["id"]))
    assert stolen.status_code == 404 and stolen.content_type == PROBLEM
    assert client.get("/inbox").status_code == 401


def test_preferences_change_with_if_match(bus, client, tokens):
    person = bus.person()
    me = tokens.member_of(subject=person["id"])
    current = client.get("/preferences", headers=me)
    assert current.get_json()["channels"] == ["email", "in_app"] and current.headers["ETag"] == '"v1"'
    assert client.patch("/preferences", json={"digest": "daily"}, headers=me).status_code == 428
    changed = client.patch("/preferences", json={"digest": "daily", "followed_topics": ["workers_rights"]},
                           headers={**me, "If-Match": '"v1"'})
    assert changed.status_code == 200 and changed.get_json()["digest"] == "daily"
    stale = client.patch("/preferences", json={"digest": "immediate"}, headers={**me, "If-Match": '"v1"'})
    assert stale.status_code == 412
    bad = client.patch("/preferences", json={"channels": ["pigeon"]}, headers={**me, "If-Match": '"v2"'})
    assert bad.status_code == 422 and "channels" in bad.get_json()["errors"]


def test_one_click_unsubscribe_stops_that_kind_only(bus, client, mail_settings, notifications_pool):
    person = bus.person(language="en")
    link = unsubscribe.url(mail_settings, person["id"], "registration_confirmed")
    path = link.removeprefix(mail_settings.public_url)
    page = client.get(path)
    assert page.status_code == 200 and "Stop receiving" in page.get_data(as_text=True)  # GET only asks
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    bus.registration(bus.event(), person)
    event = bus.event()
    registration = bus.registration(event, person)
    bus.event("cancelled", id=event["id"], version=2, status="cancelled", reason=None)
    kinds = {n["kind"] for n in notifications_of(notifications_pool, person["id"])}
    assert kinds == {"event_cancelled"} and registration
    assert client.post(path.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400

