"""Archive items: visibility on every read path, consent, publishing, search, the events flow."""
from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.support.archive import MP4_HEAD, item_body


@pytest.fixture
def world(feed, make_item, tokens):
    """An organizer, a past event with one registered participant, and one item of each visibility."""
    org, other_org = str(uuid.uuid4()), str(uuid.uuid4())
    participant = feed.person()
    event = feed.event(org, "completed", status="completed", format="in_person")
    feed.registration(event["id"], participant)
    items = {v: make_item(org, visibility=v, event_ids=[event["id"]]) for v in ("public", "members", "participants")}
    items["draft"] = make_item(org, publish=False, visibility="public")
    callers = {
        "anonymous": {},
        "other organization's member": tokens.member_of(other_org),
        "participant": tokens.member_of(other_org, subject=participant),
        "organizer admin": tokens.admin_of(org),
        "coordinator": tokens.coordinator(),
    }
    return items, callers


EXPECTED = {  # who reads what (True) — drafts only their managers
    "anonymous": {"public"},
    "other organization's member": {"public", "members"},
    "participant": {"public", "members", "participants"},
    "organizer admin": {"public", "members", "participants", "draft"},
    "coordinator": {"public", "members", "participants", "draft"},
}


def test_visibility_matrix_on_every_read_path(client, world):
    items, callers = world
    for caller, headers in callers.items():
        found = {i["id"] for i in client.get("/items?limit=200&q=ilişkileri", headers=headers).get_json()["items"]}
        for name, item in items.items():
            allowed = name in EXPECTED[caller]
            read = client.get(f"/items/{item['id']}", headers=headers)
            download = client.get(f"/items/{item['id']}/file", headers=headers)
            assert (read.status_code == 200) == allowed, (caller, name, read.status_code)
            assert (download.status_code == 200) == allowed, (caller, name, download.status_code)
            assert (item["id"] in found) == allowed, (caller, name, "search")
            if not allowed:  # no token: 401 (a token might help); otherwise 404, not a hint that it exists
                assert read.status_code == (401 if caller == "anonymous" else 404), (caller, name)
                assert read.content_type == "application/problem+json"


def test_only_managers_publish_and_withdraw(client, tokens, make_item, settings):
    org = str(uuid.uuid4())
    item = make_item(org, publish=False)
    url = f"/items/{item['id']}"
    etag = {"If-Match": f'"v{item["version"]}"'}
    assert client.post(f"{url}/publish", headers={**tokens.member_of(org), **etag}).status_code == 403
    assert client.post(f"{url}/publish", headers={**tokens.admin_of(str(uuid.uuid4())), **etag}).status_code == 403
    published = client.post(f"{url}/publish", headers={**tokens.admin_of(org), **etag})
    assert published.status_code == 200 and published.get_json()["status"] == "published"
    withdrawn = client.post(f"{url}/withdraw", headers={**tokens.admin_of(org), "If-Match": published.headers["ETag"]})
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert client.get(url).status_code == 401 and client.get(url, headers=tokens.member_of(org)).status_code == 404
    with psycopg.connect(settings.database_url) as conn:
        types = [r[0] for r in conn.execute("SELECT routing_key FROM archive.outbox WHERE envelope->>'subject' = %s "
                                            "ORDER BY id", (item["id"],))]
    assert types == ["archive.item.created", "archive.item.published", "archive.item.withdrawn"]


def test_a_recording_needs_every_speakers_consent(client, tokens, feed, make_item):
    org = str(uuid.uuid4())
    willing, unwilling = feed.person(consent_recording=True), feed.person(consent_recording=False)
    speakers = [{"name": "Ayşe", "person_id": willing}, {"name": "Mehmet", "person_id": unwilling}]
    item = make_item(org, type="recording", media="video", content=MP4_HEAD + b"\0" * 4096, publish=False,
                     speakers=speakers)
    refused = client.post(f"/items/{item['id']}/publish", headers={**tokens.coordinator(), "If-Match": '"v2"'})
    assert refused.status_code == 409 and "Mehmet" in refused.get_json()["detail"]
    feed.person(id=unwilling, consent_recording=True, version=2)  # the registry says Mehmet agreed
    assert client.post(f"/items/{item['id']}/publish",
                       headers={**tokens.coordinator(), "If-Match": '"v2"'}).status_code == 200


def test_validation_and_rights_on_create(client, tokens):
    org = str(uuid.uuid4())
    assert client.post("/items", json=item_body(org)).status_code == 401
    assert client.post("/items", json=item_body(org), headers=tokens.member_of(org)).status_code == 403
    bad = client.post("/items", json=item_body(org, type="podcast", language="de"), headers=tokens.coordinator())
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"type", "language"}
    link = client.post("/items", json=item_body(org, type="link"), headers=tokens.coordinator())
    assert link.status_code == 422 and "external_url" in link.get_json()["errors"]


def test_turkish_search_finds_inflected_words_and_english_too(client, tokens, make_item):
    org = str(uuid.uuid4())
    turkish = make_item(org, title={"tr": "Örgüt içi demokrasi"}, description={"tr": "Yönetişim üzerine notlar"})
    english = make_item(org, language="en", title={"en": "Governance of organizations"},
                        description={"en": "Notes from the thematic meetings"})
    found = [i["id"] for i in client.get("/items?q=örgütlerin", headers=tokens.coordinator()).get_json()["items"]]
    assert turkish["id"] in found and english["id"] not in found
    found = [i["id"] for i in client.get("/items?q=organization", headers=tokens.coordinator()).get_json()["items"]]
    assert english["id"] in found and turkish["id"] not in found


def test_search_is_ranked_and_paged(client, tokens, make_item):
    org = str(uuid.uuid4())
    word = f"kooperatif{uuid.uuid4().hex[:6]}"
    strong = make_item(org, title={"tr": f"{word} {word} rehberi"}, description={"tr": word})
    weak = [make_item(org, title={"tr": "Başka bir başlık"}, description={"tr": f"bir {word} notu"}) for _ in range(3)]
    seen, cursor = [], None
    while True:
        page = client.get(f"/items?q={word}&limit=2" + (f"&cursor={cursor}" if cursor else ""),
                          headers=tokens.coordinator()).get_json()
        seen += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert seen[0]["id"] == strong["id"] and {i["id"] for i in seen[1:]} == {w["id"] for w in weak}
    assert [i["rank"] for i in seen] == sorted((i["rank"] for i in seen), reverse=True)


def test_filters(client, tokens, make_item):
    org = str(uuid.uuid4())
    pdf = make_item(org, topics=["hr_management"])
    make_item(org, type="link", external_url="https://www.youtube.com/@stgm", topics=["hr_management"])
    listed = client.get(f"/items?organization_id={org}&type=publication&topic=hr_management",
                        headers=tokens.coordinator()).get_json()["items"]
    assert [i["id"] for i in listed] == [pdf["id"]]


def test_an_online_event_completing_leaves_a_draft_recording_and_a_cancelled_one_none(client, tokens, feed):
    org = str(uuid.uuid4())
    done = feed.event(org, "completed", status="completed")
    safe = feed.event(org, "completed", status="completed", visibility="invitation")
    feed.event(org, "completed", id=done["id"], status="completed", version=2)  # redelivered: still one draft
    drafts = client.get(f"/items?event_id={done['id']}&status=draft", headers=tokens.coordinator()).get_json()["items"]
    assert len(drafts) == 1 and drafts[0]["type"] == "recording" and drafts[0]["visibility"] == "members"
    safe_draft = client.get(f"/items?event_id={safe['id']}", headers=tokens.coordinator()).get_json()["items"]
    assert safe_draft[0]["visibility"] == "participants"
    in_person = feed.event(org, "completed", status="completed", format="in_person")
    assert client.get(f"/items?event_id={in_person['id']}", headers=tokens.coordinator()).get_json()["items"] == []
    feed.event(org, "cancelled", id=safe["id"], status="cancelled", version=3)
    assert client.get(f"/items?event_id={safe['id']}", headers=tokens.coordinator()).get_json()["items"] == []


def test_an_event_that_has_its_recording_already_leaves_no_draft_when_it_completes(client, tokens, feed):
    org = str(uuid.uuid4())
    event = feed.event(org)
    added = client.post("/items", json=item_body(org, type="recording", media="video", event_ids=[event["id"]]),
                        headers=tokens.coordinator())
    assert added.status_code == 201, added.get_json()
    feed.event(org, "completed", id=event["id"], status="completed", version=2)
    found = client.get(f"/items?event_id={event['id']}", headers=tokens.coordinator()).get_json()["items"]
    assert [i["id"] for i in found] == [added.get_json()["id"]]
