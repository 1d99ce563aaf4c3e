"""Every listing of every service takes an edited cursor of any shape as the client's mistake: a
400 problem naming `cursor`, never a 500 and never a silently empty page (a null compared in a
keyset matches no row). The listings are read from each service's OpenAPI document: every GET
without a path parameter that takes a `cursor`."""
from __future__ import annotations

import base64
import uuid

import pytest

from services import service
from shared.db import open_pool

SHAPES = ["[true]", '[true, "x"]', '["x", true]', "[1.5, 2]", "[null]", "[null, null]", '["a", null]',
          "[Infinity, 1]", '[NaN, "x"]', "[1e400, 1]", '{"a": 1}', "[1, 2, 3]", '[[1], "x"]', '[{"a": 1}, "x"]', "[]",
          '"text"', "7", f'["2026-01-01T00:00:00+00:00", "{uuid.uuid4()}", 3]']


def raw_cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def listings(app) -> list[str]:
    spec = app.test_client().get("/openapi.json").get_json()
    return sorted(path for path, operations in spec["paths"].items()
                  if "{" not in path and "get" in operations
                  and any(p["name"] == "cursor" for p in operations["get"].get("parameters", [])))


@pytest.mark.parametrize("name", ["registry", "events", "notifications", "archive"])
def test_every_listing_refuses_an_edited_cursor_of_any_shape(settings, tokens, name):
    pool = open_pool(settings, name, min_size=1, max_size=2)
    try:
        app = service(name).create_app(settings, pool=pool)
        app.config["TESTING"] = True
        client, headers = app.test_client(), tokens.coordinator()
        tried, answered = [], {}
        for path in listings(app):
            if client.get(path, headers=headers).status_code != 200:
                continue  # not a coordinator's listing (a person's inbox)
            tried.append(path)
            for shape in SHAPES:
                response = client.get(path, query_string={"cursor": raw_cursor(shape)}, headers=headers)
                refused = (response.status_code == 400 and response.content_type == "application/problem+json"
                           and list(response.get_json()["errors"]) == ["cursor"])
                if not refused:
                    answered[(path, shape)] = response.status_code
        assert tried, f"{name}: no listing answered a coordinator"
        assert answered == {}, f"{name}: edited cursors not refused (path, cursor): status"
    finally:
        pool.close()

