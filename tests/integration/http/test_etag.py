"""ETags are resource versions: If-None-Match saves a read, If-Match guards a write."""
from __future__ import annotations

import uuid

import pytest

from tests.integration.http.conftest import SERVICE, assert_problem, count


@pytest.fixture
def note(client, tokens):
    text = f"etag-{uuid.uuid4().hex}"
    response = client.post("/notes", json={"text": text}, headers=tokens.coordinator())
    assert response.status_code == 201 and response.headers["ETag"] == '"v1"'
    assert response.headers["Location"].endswith(f"/notes/{response.get_json()['id']}")
    return response.get_json()


def test_a_read_answers_with_the_etag_and_304_when_the_caller_has_it(client, tokens, note):
    headers = tokens.coordinator()
    path = f"/notes/{note['id']}"
    read = client.get(path, headers=headers)
    assert read.status_code == 200 and read.headers["ETag"] == '"v1"' and read.get_json()["text"] == note["text"]
    for current in ('"v1"', 'W/"v1"', '"v0", "v1"', "*"):
        cached = client.get(path, headers={**headers, "If-None-Match": current})
        assert cached.status_code == 304, current
        assert cached.get_data() == b"" and cached.headers["ETag"] == '"v1"'
    assert client.get(path, headers={**headers, "If-None-Match": '"v2"'}).status_code == 200


def test_a_write_needs_if_match_and_a_stale_one_is_412(client, tokens, note, http_settings):
    headers = tokens.coordinator()
    path = f"/notes/{note['id']}"
    missing = assert_problem(client.patch(path, json={"text": "no if-match"}, headers=headers), 428)
    assert "If-Match" in missing["detail"]
    updated = client.patch(path, json={"text": "second"}, headers={**headers, "If-Match": '"v1"'})
    assert updated.status_code == 200 and updated.headers["ETag"] == '"v2"' and updated.get_json()["version"] == 2
    stale = client.patch(path, json={"text": "lost update"}, headers={**headers, "If-Match": '"v1"'})
    assert assert_problem(stale, 412)["current_etag"] == '"v2"'
    assert count(http_settings, f"SELECT count(*) FROM {SERVICE}.notes WHERE id = %s AND text = 'second'"
                 " AND version = 2", note["id"]) == 1
    # the old version's ETag no longer spares a read
    assert client.get(path, headers={**headers, "If-None-Match": '"v1"'}).status_code == 200
    assert client.get(path, headers={**headers, "If-None-Match": '"v2"'}).status_code == 304


def test_if_match_star_and_a_list_naming_the_current_version_pass(client, tokens, note):
    headers = tokens.coordinator()
    path = f"/notes/{note['id']}"
    assert client.patch(path, json={"text": "a"}, headers={**headers, "If-Match": "*"}).headers["ETag"] == '"v2"'
    listed = client.patch(path, json={"text": "b"}, headers={**headers, "If-Match": '"v7", "v2"'})
    assert listed.status_code == 200 and listed.headers["ETag"] == '"v3"'


def test_a_change_to_nothing_is_no_new_version(client, tokens, note):
    response = client.patch(f"/notes/{note['id']}", json={"text": note["text"]},
                            headers={**tokens.coordinator(), "If-Match": '"v1"'})
    assert response.status_code == 200 and response.headers["ETag"] == '"v1"'


def test_an_unknown_resource_is_a_404_before_any_precondition(client, tokens):
    assert_problem(client.patch("/notes/999999999", json={"text": "x"}, headers=tokens.coordinator()), 404)
    assert_problem(client.get("/notes/999999999", headers={**tokens.coordinator(), "If-None-Match": "*"}), 404)
