"""What operators rely on: liveness, readiness naming what is down, Prometheus metrics,
correlation ids in headers and in the JSON logs. (Readiness with everything up: tests/e2e/http.)"""
from __future__ import annotations

import re
import time
import uuid

from shared.context import correlation_id
from psycopg_pool import ConnectionPool
from tests.integration.http.conftest import SCRAPER, SERVICE, assert_problem, json_log, make_app
from tests.support.smtp import free_port


def test_healthz_is_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_stays_200_while_the_broker_is_down_and_is_a_503_naming_the_database_when_that_is(
        http_settings, http_pool):
    closed = free_port()
    without_broker = make_app(http_settings.replace(broker_url=f"amqp://guest:guest@127.0.0.1:{closed}//"), http_pool)
    assert without_broker.test_client().get("/readyz").status_code == 200  # writes wait in the outbox: still serving
    dead_pool = ConnectionPool(f"postgresql://postgres@127.0.0.1:{closed}/nothing", min_size=0, max_size=1,
                               open=True)
    try:
        without_database = make_app(http_settings, dead_pool)
        started = time.monotonic()
        body = assert_problem(without_database.test_client().get("/readyz"), 503)
        assert time.monotonic() - started < 10
        assert body["checks"] == ["database: PoolTimeout"] and "database" in body["detail"]
        # liveness does not depend on the database: the process is fine, only not ready
        assert without_database.test_client().get("/healthz").status_code == 200
    finally:
        dead_pool.close()


def test_metrics_count_requests_by_endpoint_method_and_status(app, tokens):
    client = app.test_client()

    def counted(endpoint: str, method: str, status: int) -> float:
        text = client.get("/metrics", headers=SCRAPER).get_data(as_text=True)
        match = re.search(
            rf'^http_requests_total\{{endpoint="{re.escape(endpoint)}",method="{method}",status="{status}"\}} (\S+)$',
            text, re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    before_ok, before_401 = counted("/notes", "GET", 200), counted("/notes", "GET", 401)
    before_note = counted("/notes/<int:note_id>", "GET", 404)
    client.get("/notes", headers=tokens.coordinator())
    client.get("/notes", headers=tokens.coordinator())
    client.get("/notes")
    client.get("/notes/999999999", headers=tokens.coordinator())
    assert counted("/notes", "GET", 200) == before_ok + 2
    assert counted("/notes", "GET", 401) == before_401 + 1
    assert counted("/notes/<int:note_id>", "GET", 404) == before_note + 1  # the rule, not each id
    response = client.get("/metrics", headers=SCRAPER)
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    assert 'http_request_duration_seconds_bucket{endpoint="/notes",le="0.005",method="GET"}' in text
    assert "/notes/999999999" not in text


def test_a_correlation_id_sent_is_echoed(client):
    given = f"partner-{uuid.uuid4().hex}:1.2_3"
    assert client.get("/healthz", headers={"X-Correlation-ID": given}).headers["X-Correlation-ID"] == given


def test_a_missing_or_malformed_correlation_id_is_replaced_by_a_uuid(client):
    made = client.get("/healthz").headers["X-Correlation-ID"]
    assert str(uuid.UUID(made)) == made
    for bad in ("has spaces in it", "x" * 500, "", "quote\"d", "ünïcödé"):
        made = client.get("/healthz", headers={"X-Correlation-ID": bad}).headers["X-Correlation-ID"]
        assert made != bad and str(uuid.UUID(made)) == made, bad
    # a line break must not sneak through the pattern's end-of-line anchor into a header or a log
    response = client.get("/healthz", environ_overrides={"HTTP_X_CORRELATION_ID": "abc\n"})
    assert response.status_code == 200 and str(uuid.UUID(response.headers["X-Correlation-ID"]))
    two = {client.get("/healthz").headers["X-Correlation-ID"] for _ in range(2)}
    assert len(two) == 2


def test_the_json_log_line_of_a_request_carries_its_correlation_id(client, tokens, http_settings):
    given = f"log-{uuid.uuid4().hex}"
    outside = correlation_id.set(f"outside-{uuid.uuid4().hex}")  # the thread's own work, before and after
    try:
        before = correlation_id.get()
        with json_log(http_settings) as lines:
            client.get("/notes", headers={**tokens.coordinator(), "X-Correlation-ID": given})
            client.get("/notes", headers=tokens.coordinator())
        # a request's id is its own: it neither inherits the thread's nor leaves its own behind
        assert correlation_id.get() == before
    finally:
        correlation_id.reset(outside)
    access = [line for line in lines if line.get("message") == "request" and line.get("path") == "/notes"]
    assert len(access) == 2
    mine, generated = access
    assert mine["correlation_id"] == given and mine["status"] == 200 and mine["method"] == "GET"
    assert mine["service"] == SERVICE and mine["level"] == "INFO" and mine["duration_ms"] >= 0
    assert generated["correlation_id"] not in (given, before) and uuid.UUID(generated["correlation_id"])


def test_the_api_docs_work_offline_their_swagger_ui_served_by_the_service(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"] and "<script>" not in html  # none inline
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/docs/assets/docs.js").status_code == 200
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.mimetype in ("application/javascript", "text/javascript")
    assert len(script.get_data()) > 100_000  # the real bundle, not a placeholder
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


def test_every_answer_is_never_sniffed_never_framed_and_runs_nothing(client, tokens):
    for answer in (client.get("/healthz"), client.get("/notes", headers=tokens.coordinator()), client.get("/nowhere"),
                   client.get("/openapi.json")):
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
