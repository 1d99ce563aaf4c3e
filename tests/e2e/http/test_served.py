"""A service as production serves it (gunicorn, `birlikte serve`): even gunicorn's own refusals — a
request line too long, headers too large, a request that is not HTTP — answer problem+json."""
from __future__ import annotations

import json
import socket
import subprocess
import time

import pytest

from tests.e2e.cli.conftest import birlikte_command, env_for
from tests.support.smtp import free_port


@pytest.fixture(scope="module")
def served(settings, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("served") / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([*birlikte_command(), "serve", "events", "--bind", "127.0.0.1", "--port", str(port),
                                    "--workers", "1"], env=env_for(settings), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
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
