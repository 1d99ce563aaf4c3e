"""Input that used to crash every service before authentication (issue 14): JSON nested deep enough
to exhaust the stack, and NUL characters, which PostgreSQL text cannot hold — in a body or a query.
Each is a 4xx problem, and nothing is written."""
from __future__ import annotations

import json

import pytest

from services import ALL
from tests.integration.http.conftest import assert_problem, notes_with

DEEP = "[" * 5000 + "]" * 5000


def test_json_nested_thousands_deep_is_a_4xx_on_every_service_even_without_a_token(settings):
    for described in ALL:
        if described.name == "web":
            continue
        app = described.create_app(settings)
        try:
            client = app.test_client()
            paths = [rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and "<" not in rule.rule]
            for path in paths:
                answer = client.post(path, data=DEEP, content_type="application/json")
                assert 400 <= answer.status_code < 500, (described.name, path, answer.status_code)
        finally:
            app.extensions["birlikte"]["pool"]().close()


@pytest.mark.parametrize("body", [{"text": "a\x00b"}, {"text": "ok", "a\x00": 1}])
def test_a_nul_character_in_a_body_is_refused_and_nothing_is_written(client, tokens, http_settings, body):
    body_text = json.dumps(body)
    answer = client.post("/notes", data=body_text, content_type="application/json", headers=tokens.coordinator())
    problem = assert_problem(answer, 422)
    assert "NUL" in problem["detail"]
    assert notes_with(http_settings, "a\x00b".replace("\x00", "")) == 0


def test_a_nul_character_in_a_query_is_refused(client, tokens):
    problem = assert_problem(client.get("/notes?cursor=a%00b", headers=tokens.coordinator()), 422)
    assert problem["errors"] == {"cursor": ["Contains NUL."]}


def test_a_view_reading_json_itself_gets_the_same_limits(app):
    with app.test_request_context("/", method="POST", data=DEEP, content_type="application/json"):
        from flask import request
        from werkzeug.exceptions import BadRequest
        with pytest.raises(BadRequest):
            request.get_json()
