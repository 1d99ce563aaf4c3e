"""`birlikte up --mode server`: children started, ready, told where to go, stopped cleanly."""
from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import time
import urllib.request
from urllib.parse import urljoin

from shared.auth.tokens import TokenVerifier
from tests.e2e.cli.conftest import birlikte_command, env_for
from tests.support.identity import Browser

READY_WITHIN = 60.0
ADDRESSES = ("REGISTRY_URL", "WEB_URL", "EVENTS_URL", "NOTIFICATIONS_URL", "ARCHIVE_URL", "JWKS_URL")


def up_env(settings, **overrides) -> dict[str, str]:
    """The run's settings without the services' addresses: `up` chooses those from its ports."""
    env = env_for(settings, **overrides)
    return {k: v for k, v in env.items() if k.removeprefix("BIRLIKTE_") not in ADDRESSES}
STOP_WITHIN = 30.0


def _free_port_base() -> int:
    """A base whose every port `up` uses (base + 0…4, and + 25 for the mail catcher) is free now,
    chosen below the ephemeral range, where the other tests' servers take their ports."""
    for _ in range(200):
        base = random.randrange(20000, 30000)
        if all(_free(base + offset) for offset in (0, 1, 2, 3, 4, 25)):
            return base
    raise AssertionError("no free port base found")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def _wait_ready(process: subprocess.Popen, url: str, log) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        assert process.poll() is None, f"birlikte up exited early ({process.returncode}):\n{log.read_text()}"
        if _get(url + "/readyz")[0] == 200:
            return
        time.sleep(0.3)
    raise AssertionError(f"{url}/readyz not ready within {READY_WITHIN} s:\n{log.read_text()}")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return False
    except ProcessLookupError:
        return True


def test_up_in_server_mode_serves_the_registry_and_stops_cleanly(settings, tmp_path):
    base = _free_port_base()
    url = f"http://127.0.0.1:{base + 1}"
    log = tmp_path / "up.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*birlikte_command(), "up", "--mode", "server", "--no-demo", "--port-base", str(base),
             "--state-dir", str(tmp_path / "state")],
            env=up_env(settings), cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_ready(process, url, log)
        status, body = _get(url + "/openapi.json")
        assert status == 200 and b'"openapi"' in body

        deadline = time.monotonic() + 10
        while "Press Ctrl-C to stop." not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        text = log.read_text()
        assert "birlikte up: server mode" in text
        assert f"{url}/docs" in text and f"{url}/openapi.json" in text
        assert text.split("Birlikte is up")[1].split("\n")[2] == f"  open http://127.0.0.1:{base}"  # first
        token = re.search(r"a coordinator token.*\n\s+(\S+)", text).group(1)
        assert TokenVerifier(settings.replace(registry_url=f"http://localhost:{base + 1}")).verify(token).is_coordinator
        children = [int(pid) for pid in re.findall(r"started registry-(?:api|worker) \(pid (\d+)\)", text)]
        assert len(children) == 2

        process.send_signal(signal.SIGTERM)
        assert process.wait(STOP_WITHIN) == 0, log.read_text()
        assert "did not stop" not in log.read_text()
        assert all(_gone(pid) for pid in children), log.read_text()
        assert _get(url + "/healthz")[0] == 0
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the whole group: parent and children alike
        except ProcessLookupError:
            pass
        process.wait(10)


def test_up_refuses_ports_in_use_with_a_clear_message(settings, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        base = taken.getsockname()[1] - 1
        result = subprocess.run(
            [*birlikte_command(), "up", "--mode", "server", "--no-demo", "--port-base", str(base),
             "--state-dir", str(tmp_path / "state")],
            env=env_for(settings), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    listed = result.stderr.split("port(s) ", 1)[1].split(" on 127.0.0.1 are in use")[0]
    assert str(base + 1) in listed.split(", ")  # others near it may be taken by other tests too
    assert "Traceback" not in result.stderr


def test_up_in_server_mode_fails_clearly_when_the_broker_does_not_answer(settings, tmp_path):
    env = env_for(settings, BIRLIKTE_BROKER_URL="amqp://guest:guest@127.0.0.1:1//")
    result = subprocess.run(
        [*birlikte_command(), "up", "--mode", "server", "--no-demo", "--port-base", str(_free_port_base()),
         "--state-dir", str(tmp_path / "state")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "RabbitMQ at amqp://guest:***@127.0.0.1:1// does not answer" in result.stderr
    assert "Traceback" not in result.stderr


def test_up_in_embedded_mode_needs_no_servers_and_serves_the_demo_community(settings, tmp_path):
    """What a fresh machine with only Python gets: pgserver, the in-memory bus, one process."""
    base = _free_port_base()
    url = f"http://127.0.0.1:{base + 1}"
    log, state = tmp_path / "up.log", tmp_path / "state"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*birlikte_command(), "up", "--mode", "embedded", "--port-base", str(base), "--state-dir", str(state)],
            env={k: v for k, v in up_env(settings).items() if k != "BIRLIKTE_SMTP_HOST"}, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_ready(process, url, log)
        deadline = time.monotonic() + 10
        while "Press Ctrl-C to stop." not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        text = log.read_text()
        assert "birlikte up: embedded mode" in text
        assert "embedded PostgreSQL (pgserver" in text and "in-memory (kombu memory://)" in text
        token = re.search(r"a coordinator token.*\n\s+(\S+)", text).group(1)
        request = urllib.request.Request(url + "/organizations?limit=50", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            names = {item["name"] for item in json.load(response)["items"]}
        assert {"The Wheel", "Sivil Toplum Geliştirme Merkezi (STGM)"} <= names
        _sign_in_to_the_web_app_with_the_code_up_prints(f"http://127.0.0.1:{base}", log)
        # Every service is up, and the demo's registrations became emails in the mail catcher.
        for port in range(base + 2, base + 5):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
                assert response.status == 200
        assert f"emails are kept as .eml files in {state / 'mail'}" in text
        deadline = time.monotonic() + 20
        while not list((state / "mail").glob("*.eml")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert list((state / "mail").glob("*.eml")), "no demo email reached the mail catcher"

        process.send_signal(signal.SIGINT)
        assert process.wait(STOP_WITHIN) == 0, log.read_text()
        assert not (state / "pgdata" / "postmaster.pid").exists(), "the embedded PostgreSQL was left running"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)


def _sign_in_to_the_web_app_with_the_code_up_prints(web: str, log) -> None:
    """What the banner promises: a demo person signs in with an emailed code, read from `up`'s own output."""
    browser = Browser()
    page = browser.follow(f"{web}/auth/login?lang=en")
    assert page.status_code == 200 and "/signin" in page.url, page.url
    browser.submit(email="ahmad.haddad@multeci.example")
    browser.follow(urljoin(browser.page.url, browser.page.headers["Location"]))
    deadline, code = time.monotonic() + 20, None
    while code is None and time.monotonic() < deadline:
        found = re.search(r"sign-in code for .*ahmad.haddad@multeci.example.*: (\d{6})", log.read_text())
        code = found and found.group(1)
        time.sleep(0.2)
    assert code, "up printed no sign-in code"
    browser.submit(code=code)
    program = browser.follow(urljoin(browser.page.url, browser.page.headers["Location"]))
    assert program.status_code == 200 and program.url == f"{web}/"
    assert "Sign out (Ahmad Haddad)" in program.text
