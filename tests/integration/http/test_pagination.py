"""Cursors are opaque to clients, but clients can still edit them: every cursor this service did
not give out is a 400 naming the `cursor` field, never a 500."""
from __future__ import annotations

import base64
import uuid

from shared.paging import encode_cursor
from tests.integration.http.conftest import assert_problem


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def assert_cursor_refused(response) -> dict:
    body = assert_problem(response, 400)
    assert body["title"] == "Invalid cursor" and list(body["errors"]) == ["cursor"]
    return body


def test_a_cursor_given_out_walks_on(client, tokens):
    headers = tokens.coordinator()
    ids = [client.post("/notes", json={"text": f"page-{i}"}, headers=headers).get_json()["id"] for i in range(2)]
    page = client.get(f"/notes?cursor={encode_cursor((ids[0],))}", headers=headers)
    assert page.status_code == 200
    assert [item["id"] for item in page.get_json()["items"]][0] == ids[1]


def test_garbage_is_a_400_naming_the_cursor(client, tokens):
    headers = tokens.coordinator()
    for garbage in ("not-base64!!", "%25%25", raw_cursor("not json"), raw_cursor("{}"), raw_cursor("[]"),
                    raw_cursor('"a string"'), raw_cursor("42"), "\u00e9t\u00e9"):
        assert_cursor_refused(client.get("/notes", query_string={"cursor": garbage}, headers=headers))


def test_a_cursor_of_another_listing_is_a_400(client, tokens):
    foreign = encode_cursor(("2026-01-01T00:00:00+00:00", str(uuid.uuid4())))  # two keys where this has one
    body = assert_cursor_refused(client.get(f"/notes?cursor={foreign}", headers=tokens.coordinator()))
    assert "another listing" in body["detail"]


def test_a_tampered_value_is_a_400_not_a_500(client, tokens):
    """Right shape, wrong values: the database (or the view) cannot read them."""
    headers = tokens.coordinator()
    for tampered in ('["abc"]', '[true]', '[[1]]', '[{"id": 1}]', '["1; DROP TABLE notes"]'):
        assert_cursor_refused(client.get(f"/notes?cursor={raw_cursor(tampered)}", headers=headers))


def test_a_tampered_position_read_by_the_view_itself_is_a_400(client):
    assert client.get(f"/notes/feed?cursor={encode_cursor(('t', 7))}").get_json() == {"after": 7}
    assert_cursor_refused(client.get(f"/notes/feed?cursor={encode_cursor(('t', 'seven'))}"))
    assert_cursor_refused(client.get("/notes/feed", query_string={"cursor": raw_cursor('["t", null]')}))
    assert_cursor_refused(client.get(f"/notes/feed?cursor={encode_cursor(('t',))}"))


def test_a_tampered_cursor_of_a_real_service_is_a_400(registry_client, tokens):
    """The registry lists organizations by (name, id uuid) through shared.rows.page."""
    headers = tokens.coordinator()
    assert registry_client.get("/organizations", query_string={"cursor": encode_cursor(("a", str(uuid.uuid4())))},
                               headers=headers).status_code == 200
    for values in (("a", "not-a-uuid"), ("a", 12), ("a", None, "b")):
        assert_cursor_refused(registry_client.get(
            "/organizations", query_string={"cursor": encode_cursor(values)}, headers=headers))
    # the refused requests gave their connections back clean: the registry still lists
    assert registry_client.get("/organizations?limit=1", headers=headers).status_code == 200

