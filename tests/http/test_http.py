"""The shared HTTP layer: problems, crashes, cursors, tokens (PEM and JWKS), health, metrics,
correlation ids in headers and logs, idempotency under concurrency."""
from __future__ import annotations

import io
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest

from shared.auth.tokens import TokenIssuer
from shared.logging import configure_logging
from tests.conftest import _keypair
from tests.http.conftest import make_app, notes_with
from tests.support.smtp import free_port

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    return body


def test_a_crash_is_a_500_problem_that_leaks_nothing_and_writes_nothing(client, tokens, http_settings):
    body = assert_problem(client.post("/notes/crash", headers=tokens.coordinator()), 500)
    text = json.dumps(body)
    assert "hunter2" not in text and "RuntimeError" not in text and "Traceback" not in text
    assert notes_with(http_settings, "half-written") == 0


def test_an_unknown_route_and_a_wrong_method_are_problems(client):
    assert_problem(client.get("/nowhere"), 404)
    assert_problem(client.delete("/notes"), 405)


def test_a_tampered_or_foreign_cursor_is_a_400_naming_the_field(client, tokens):
    body = assert_problem(client.get("/notes?cursor=not-base64!!", headers=tokens.coordinator()), 400)
    assert "cursor" in body["errors"]
    from shared.http.pagination import encode_cursor
    foreign = encode_cursor(("2026-01-01", "x"))  # two keys where this listing has one
    assert "cursor" in assert_problem(client.get(f"/notes?cursor={foreign}", headers=tokens.coordinator()), 400)["errors"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_are_refused_for_every_good_reason(client, http_settings):
    issuer = TokenIssuer(http_settings)
    assert client.get("/notes", headers=bearer(issuer.issue("c", roles=("coordinator",)))).status_code == 200
    expired = issuer.issue("c", roles=("coordinator",), lifetime=1)
    claims = jwt.decode(expired, options={"verify_signature": False})
    now = int(time.time())
    private = http_settings.jwt_private_key

    def forged(**changes):
        return jwt.encode({**claims, "exp": now + 600, "iat": now, **changes}, private, algorithm="RS256")

    other_private, _ = _keypair()
    cases = {
        "expired": jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, private, algorithm="RS256"),
        "wrong audience": forged(aud="someone-else"),
        "wrong issuer": forged(iss="https://evil.example"),
        "another key": jwt.encode({**claims, "exp": now + 600}, other_private, algorithm="RS256"),
        "alg none": jwt.encode({**claims, "exp": now + 600}, None, algorithm="none"),
        "HS256 with the public key": _hs256_with(http_settings.jwt_public_key, {**claims, "exp": now + 600}),
        "garbage": "not.a.token",
    }
    for name, token in cases.items():
        response = client.get("/notes", headers=bearer(token))
        assert_problem(response, 401)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"], name
    assert 'Bearer realm="birlikte"' in client.get("/notes").headers["WWW-Authenticate"]
    assert_problem(client.get("/notes", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)
    assert_problem(client.get("/notes", headers=bearer(issuer.issue("m", roles=("member",)))), 403)


def _hs256_with(public_pem: str, claims: dict) -> str:
    import base64
    import hashlib
    import hmac
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()).rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    signature = hmac.new(public_pem.encode(), header + b"." + payload, hashlib.sha256).digest()
    return b".".join([header, payload, base64.urlsafe_b64encode(signature).rstrip(b"=")]).decode()


@pytest.fixture
def jwks_server(http_settings):
    """An identity provider's JWKS endpoint on localhost, serving the issuer's public key."""
    document = json.dumps(TokenIssuer(http_settings).jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


def test_tokens_are_verified_through_a_jwks_url(jwks_server, http_settings, http_pool):
    settings = http_settings.replace(jwt_public_key=None, jwks_url=jwks_server)
    client = make_app(settings, http_pool).test_client()
    good = TokenIssuer(http_settings).issue("c", roles=("coordinator",))
    assert client.get("/notes", headers=bearer(good)).status_code == 200
    other_private, other_public = _keypair()
    stranger = TokenIssuer(http_settings.replace(jwt_private_key=other_private, jwt_public_key=other_public))
    assert_problem(client.get("/notes", headers=bearer(stranger.issue("c", roles=("coordinator",)))), 401)


def test_health_and_readiness(client, http_settings, http_pool):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}
    closed = free_port()
    broken = make_app(http_settings.replace(broker_url=f"amqp://guest:guest@127.0.0.1:{closed}//"), http_pool)
    body = assert_problem(broken.test_client().get("/readyz"), 503)
    assert "broker" in body["detail"] and not any(c.startswith("database") for c in body["checks"])


def test_metrics_count_requests_by_endpoint_and_status(client, tokens):
    client.get("/notes", headers=tokens.coordinator())
    client.get("/notes")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/notes",method="GET",status="200"}' in text
    assert 'http_requests_total{endpoint="/notes",method="GET",status="401"}' in text
    assert "http_request_duration_seconds_bucket" in text


def test_correlation_ids_are_echoed_generated_and_logged(client, tokens, http_settings):
    given = f"partner-{uuid.uuid4().hex}"
    assert client.get("/healthz", headers={"X-Correlation-ID": given}).headers["X-Correlation-ID"] == given
    for bad in ("has spaces in it", "x" * 500):
        made = client.get("/healthz", headers={"X-Correlation-ID": bad}).headers["X-Correlation-ID"]
        assert made != bad and uuid.UUID(made)
    stream = io.StringIO()
    configure_logging(http_settings.replace(log_format="json"), "httptest")
    handler = logging.getLogger().handlers[0]
    handler.stream = stream
    try:
        client.get("/notes", headers={**tokens.coordinator(), "X-Correlation-ID": given})
    finally:
        configure_logging(http_settings, "httptest")
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    [access] = [line for line in lines if line.get("message") == "request" and line.get("path") == "/notes"]
    assert access["correlation_id"] == given and access["status"] == 200 and access["service"] == "httptest"


def test_concurrent_duplicates_with_one_idempotency_key_create_one_row(app, tokens, http_settings):
    text = f"once-{uuid.uuid4().hex}"
    headers = {**tokens.coordinator(), "Idempotency-Key": f"key-{text}"}
    answers = []

    def post():
        response = app.test_client().post("/notes", json={"text": text}, headers=headers)
        answers.append((response.status_code, response.get_json(), response.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert notes_with(http_settings, text) == 1
    assert {status for status, _, _ in answers} == {201}
    assert len({json.dumps(body, sort_keys=True) for _, body, _ in answers}) == 1
    assert sorted(replayed or "" for _, _, replayed in answers) == [""] + ["true"] * 7
    reused = app.test_client().post("/notes", json={"text": "something else"}, headers=headers)
    assert_problem(reused, 422)


def test_validation_errors_name_the_field(client, tokens):
    body = assert_problem(client.post("/notes", json={"txt": "typo"}, headers=tokens.coordinator()), 422)
    assert set(body["errors"]) == {"text", "txt"}
