"""Errors are RFC 9457 problems, and a request that fails leaves nothing written."""
from __future__ import annotations

import uuid

import pytest

from services import service
from shared.db import open_pool
from tests.integration.http.conftest import PROBLEM, SCRAPER, SERVICE, assert_problem, count, json_log, notes_with


def test_a_crash_is_a_500_problem_that_leaks_nothing_and_writes_nothing(client, tokens, http_settings):
    given = f"crash-{uuid.uuid4().hex}"
    with json_log(http_settings) as lines:
        response = client.post("/notes/crash", headers={**tokens.coordinator(), "X-Correlation-ID": given})
    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    for secret in ("hunter2", "secret internal detail", "RuntimeError", "Traceback", "notes/conftest.py"):
        assert secret not in text
    assert body["title"] == "Internal error" and response.headers["X-Correlation-ID"] == given
    assert notes_with(http_settings, "half-written") == 0
    # ...but the operator gets all of it, under the request's correlation id
    [logged] = [line for line in lines if line["message"] == "unhandled error"]
    assert logged["level"] == "ERROR" and logged["correlation_id"] == given
    assert "hunter2" in logged["exc_info"] and "RuntimeError" in logged["exc_info"]


def test_a_problem_raised_after_a_write_rolls_the_write_back(client, http_settings):
    text = f"refused-{uuid.uuid4().hex}"
    assert assert_problem(client.post("/notes/refuse", json={"text": text}), 409)["title"] == "Refused"
    assert notes_with(http_settings, text) == 0


def test_a_failed_commit_is_a_503_problem_still_stamped_counted_and_logged(client, tokens, http_settings):
    """The view succeeds, COMMIT fails (a deferred constraint): the client must not see the 201,
    and what it does see is measured, logged and carries its correlation id like any answer."""
    text = f"twice-{uuid.uuid4().hex}"
    given = f"commit-{uuid.uuid4().hex}"
    headers = {**tokens.coordinator(), "X-Correlation-ID": given, "Idempotency-Key": given}
    with json_log(http_settings) as lines:
        response = client.post("/notes/twice", json={"text": text}, headers=headers)
    body = assert_problem(response, 503)
    assert body["title"] == "Not saved" and response.headers["Retry-After"] == "1"
    assert "Location" not in response.headers and "ETag" not in response.headers
    assert response.headers["X-Correlation-ID"] == given
    assert notes_with(http_settings, text) == 0
    assert count(http_settings, f"SELECT count(*) FROM {SERVICE}.pairs WHERE code = %s", text) == 0
    # the key was not kept: a retry runs again instead of replaying a success that never was
    assert count(http_settings, f"SELECT count(*) FROM {SERVICE}.idempotency_keys WHERE key = %s", given) == 0
    retried = client.post("/notes/twice", json={"text": text}, headers=headers)
    assert_problem(retried, 503)
    assert "Idempotent-Replayed" not in retried.headers
    metrics = client.get("/metrics", headers=SCRAPER).get_data(as_text=True)
    assert 'http_requests_total{endpoint="/notes/twice",method="POST",status="503"}' in metrics
    assert 'endpoint="/notes/twice",method="POST",status="201"' not in metrics
    [access] = [line for line in lines if line["message"] == "request" and line["path"] == "/notes/twice"]
    assert access["status"] == 503 and access["correlation_id"] == given


def test_an_unknown_route_is_a_404_and_a_wrong_method_a_405_with_allow(client):
    assert_problem(client.get("/nowhere"), 404)
    response = client.delete("/notes")
    assert_problem(response, 405)
    allowed = {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert {"GET", "POST"} <= allowed and "DELETE" not in allowed


def test_validation_errors_name_the_fields(client, tokens):
    body = assert_problem(client.post("/notes", json={"txt": "typo"}, headers=tokens.coordinator()), 422)
    assert set(body["errors"]) == {"text", "txt"}
    body = assert_problem(client.get("/notes?limit=0", headers=tokens.coordinator()), 422)
    assert set(body["errors"]) == {"limit"}


def test_a_query_argument_the_schema_does_not_name_is_a_422_naming_it_not_ignored(client, tokens):
    """Ignored, `?text=secret` would answer every note as if it filtered them."""
    body = assert_problem(client.get("/notes?limit=5&text=secret&sort=id", headers=tokens.coordinator()), 422)
    assert body["errors"] == {"text": ["Unknown field."], "sort": ["Unknown field."]}
    assert client.get("/notes?limit=5", headers=tokens.coordinator()).status_code == 200
    assert_problem(client.get("/notes/feed?cursor=&after=1"), 422)


def test_a_malformed_json_body_is_a_400_problem(client, tokens):
    response = client.post("/notes", data='{"text": ', content_type="application/json",
                           headers=tokens.coordinator())
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_every_error_answer_is_a_problem(client, tokens, http_settings):
    """One of each kind of failure the layer produces, each checked for the problem shape."""
    note = client.post("/notes", json={"text": f"shape-{uuid.uuid4().hex}"}, headers=tokens.coordinator()).get_json()
    path = f"/notes/{note['id']}"
    member = tokens.member_of("x")
    cases = [
        (client.get("/notes"), 401),
        (client.get("/notes", headers={"Authorization": "Bearer nonsense"}), 401),
        (client.get("/notes", headers=member), 403),
        (client.get("/notes/999999999", headers=member), 404),
        (client.put(path, headers=member), 405),
        (client.get("/notes?cursor=%25%25", headers=tokens.coordinator()), 400),
        (client.post("/notes", json={}, headers=member), 422),
        (client.patch(path, json={"text": "x"}, headers=member), 428),
        (client.patch(path, json={"text": "x"}, headers={**member, "If-Match": '"v99"'}), 412),
        (client.post("/notes", json={"text": "x"}, headers={**member, "Idempotency-Key": ""}), 400),
        (client.post("/notes/refuse", json={"text": "x"}), 409),
        (client.post("/notes/crash"), 500),
    ]
    for response, status in cases:
        body = assert_problem(response, status)
        assert body["type"] == "about:blank" and body["instance"].startswith("/notes")


@pytest.mark.parametrize("name", ["registry", "events", "notifications", "archive"])
def test_each_document_says_errors_are_problems_and_what_every_success_is(settings, name):
    """What clients generate from the OpenAPI document must match the wire: errors are problem+json
    (not flask-smorest's JSON error), and no answer is documented only by the error response."""
    pool = open_pool(settings, name, min_size=1, max_size=1)
    try:
        spec = service(name).create_app(settings, pool=pool).test_client().get("/openapi.json").get_json()
    finally:
        pool.close()
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(error) == [PROBLEM] and error[PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert set(spec["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status"}
    operations = [(method, path, operation) for path, methods in spec["paths"].items()
                  for method, operation in methods.items() if method in ("get", "post", "put", "patch", "delete")]
    undocumented = [f"{method.upper()} {path}" for method, path, operation in operations
                    if not any(code[0] in "23" for code in operation["responses"])]
    assert operations and undocumented == []
