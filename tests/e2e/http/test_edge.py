"""The edge as deployed (deploy/edge: nginx, the repository's own configuration) in front of a
service served by `birlikte serve`: fifty slow clients — trickling headers, or bodies — do not stop
the API answering others (issue 14: four did, on every service); a body past a route's limit is
refused with 413 before it is read, and the API's memory does not move; the edge's own refusals are
problem+json; /metrics is not reachable through it; the API sees the client's address, not the edge's."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from string import Template

import psutil
import pytest
import requests

from tests.e2e.http.serving import serve, wait_for
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[3]
NGINX = os.environ.get("BIRLIKTE_TEST_NGINX", "/usr/sbin/nginx")
SLOW_CLIENTS = 50


@pytest.fixture(scope="module")
def api(settings, tmp_path_factory):
    """The events API under gunicorn, as production serves it (one worker, four threads), behind the edge."""
    log = tmp_path_factory.mktemp("api") / "serve.log"
    process, port = serve(settings, log, "events", "--threads", "4", BIRLIKTE_TRUSTED_PROXIES="1",
                          BIRLIKTE_LOG_FORMAT="json")
    yield {"port": port, "process": process, "log": log}
    process.terminate()
    process.wait(15)


@pytest.fixture(scope="module")
def edge(api, tmp_path_factory):
    if not os.access(NGINX, os.X_OK):
        pytest.fail(f"no nginx at {NGINX}: install Debian's package (apt-get install nginx; ./scripts/test does "
                    "when it can) or set BIRLIKTE_TEST_NGINX", pytrace=False)
    prefix = tmp_path_factory.mktemp("edge")
    shutil.copy(ROOT / "deploy/edge/common.conf", prefix / "common.conf")
    ports = {name: free_port() for name in ("WEB", "REGISTRY", "EVENTS", "NOTIFICATIONS", "ARCHIVE")}
    upstream = f"127.0.0.1:{api['port']}"  # every server block proxies to the one API this test runs
    servers = Template((ROOT / "deploy/edge/birlikte.conf.template").read_text()).substitute(
        PREFIX=prefix, **{name: upstream for name in ports}, **{f"{name}_PORT": port for name, port in ports.items()})
    (prefix / "nginx.conf").write_text(f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
    {servers}
}}""")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                               stderr=subprocess.PIPE)
    wait_for(ports["EVENTS"])
    yield f"http://127.0.0.1:{ports['EVENTS']}"
    process.terminate()
    process.wait(15)


def _trickle(port: int, start: bytes, drip: bytes, stop: threading.Event) -> None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(start)
            while not stop.is_set():
                sock.sendall(drip)
                stop.wait(0.5)
    except OSError:
        pass  # the edge may close a client this slow: that is its job


@pytest.mark.parametrize("slow", ["headers", "bodies"])
def test_fifty_slow_clients_do_not_stop_the_api_answering_others(edge, slow):
    port = int(edge.rsplit(":", 1)[1])
    start, drip = {
        "headers": (b"GET /events HTTP/1.1\r\nHost: x\r\n", b"X-Slow: yes\r\n"),
        "bodies": (b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n"
                   b"\r\n", b" "),
    }[slow]
    stop = threading.Event()
    clients = [threading.Thread(target=_trickle, args=(port, start, drip, stop), daemon=True)
               for _ in range(SLOW_CLIENTS)]
    for client in clients:
        client.start()
    try:
        time.sleep(2)  # every slow client connected and trickling
        timings = []
        for _ in range(20):
            started = time.monotonic()
            answer = requests.get(f"{edge}/events?limit=5", timeout=10)
            timings.append(time.monotonic() - started)
            assert answer.status_code == 200
        timings.sort()
        assert timings[len(timings) // 2] < 0.5 and timings[-1] < 3, timings  # answered as if nothing held it
    finally:
        stop.set()


def test_a_body_past_the_limit_is_refused_before_it_is_read_and_the_api_does_not_grow(edge, api):
    process = psutil.Process(api["process"].pid)
    children = process.children(recursive=True)
    worker = children[0] if children else process
    idle = worker.memory_info().rss
    big = b'{"title": "' + b"x" * (31 * 1024 * 1024) + b'"}'
    for _ in range(4):
        answer = requests.post(f"{edge}/events", data=big, headers={"Content-Type": "application/json"}, timeout=60)
        assert answer.status_code == 413
        assert answer.headers["Content-Type"] == "application/problem+json" and answer.json()["status"] == 413
    assert worker.memory_info().rss - idle < 50 * 1024 * 1024


def test_metrics_are_not_reachable_through_the_edge(edge):
    answer = requests.get(f"{edge}/metrics", timeout=10)
    assert answer.status_code == 404 and answer.headers["Content-Type"] == "application/problem+json"


def test_the_api_sees_the_clients_address_through_the_edge_and_not_a_forged_one(edge, api):
    """The client speaks from 127.0.0.2 and the edge from 127.0.0.1: the API logs the client's own
    address, not the edge's, and not what the client claimed in its own X-Forwarded-For."""
    host, port = edge.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=("127.0.0.2", 0))
    connection.request("GET", "/events?limit=1", headers={"X-Correlation-ID": "edge-test-1",
                                                          "X-Forwarded-For": "203.0.113.9"})
    assert connection.getresponse().status == 200
    connection.close()
    time.sleep(0.5)
    lines = [json.loads(line) for line in api["log"].read_text().splitlines() if line.startswith("{")]
    seen = [line for line in lines if line.get("correlation_id") == "edge-test-1"]
    assert seen and seen[-1].get("client") == "127.0.0.2", seen
