"""A service as production serves it (gunicorn, `birlikte serve`): even gunicorn's own refusals — a
request line too long, headers too large, a request that is not HTTP — answer problem+json."""
from __future__ import annotations

import json
import socket

import pytest

from tests.e2e.http.serving import serve


@pytest.fixture(scope="module")
def served(settings, tmp_path_factory):
    process, port = serve(settings, tmp_path_factory.mktemp("served") / "serve.log")
    yield port
    process.terminate()
    process.wait(15)


def raw(port: int, request: bytes) -> tuple[str, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    (b"NOT HTTP AT ALL\r\n\r\n", 400),
])
def test_gunicorns_own_refusals_are_problem_json(served, request_bytes, status):
    line, headers, body = raw(served, request_bytes)
    assert line.startswith(f"HTTP/1.1 {status} ")
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == status
