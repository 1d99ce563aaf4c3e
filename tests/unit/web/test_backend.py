"""The web app's calls to the services: a form pressed twice sends the same Idempotency-Key, and the
service answers the second 409 "in progress" while the first is still being answered; the web app
waits as told and takes the first's answer instead of showing the person an error."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.config import Settings
from services.web.backend import IN_FLIGHT_RETRIES, Backend
from services.web.errors import ApiProblem


@pytest.fixture
def service():
    """A service that answers 409 in progress `busy` times, then 201."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(self.headers.get("Idempotency-Key"))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if len(seen) <= server.busy:
                status, body, extra = 409, {"title": "Request in progress", "status": 409}, {"Retry-After": "0"}
            else:
                status, body, extra = 201, {"id": "made"}, {}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.busy, server.seen = 2, seen
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def _backend(server) -> Backend:
    return Backend(Settings(events_url=f"http://127.0.0.1:{server.server_port}"), token="t")


def test_a_form_sent_twice_waits_for_the_first_answer(service):
    response = _backend(service).post("events", "/series", {"title": "x"}, headers={"Idempotency-Key": "k1"})
    assert response.status_code == 201 and response.json() == {"id": "made"}
    assert service.seen == ["k1", "k1", "k1"]


def test_without_an_idempotency_key_a_conflict_is_the_answer(service):
    with pytest.raises(ApiProblem) as refused:
        _backend(service).post("events", "/series", {"title": "x"})
    assert refused.value.status == 409 and service.seen == [None]


def test_it_waits_only_so_long(service):
    service.busy = IN_FLIGHT_RETRIES + 5
    with pytest.raises(ApiProblem) as refused:
        _backend(service).post("events", "/series", {"title": "x"}, headers={"Idempotency-Key": "k2"})
    assert refused.value.status == 409 and len(service.seen) == IN_FLIGHT_RETRIES + 1
