"""Signing in across real processes: the registry served by gunicorn with two worker processes and
its own worker sending the codes, the events service in processes of its own, RabbitMQ between
them. Limits hold across processes; a person signs in with an independent relying party; signing
out stops their access token in the events service within seconds."""
from __future__ import annotations

import subprocess
import time
import uuid
from contextlib import contextmanager

import pytest
import requests

from shared.bus import topology
from shared.cli.ops import declare_topology
from shared.db import open_pool
from shared.auth.principal import Principal
from services.registry.operations import clients
from tests.e2e.cli.conftest import birlikte_command, env_for
from tests.support.identity import Browser, relying_party, sign_in
from tests.support.registry import person_body
from tests.support.smtp import SmtpServer, free_port
from tests.support.tokens import Tokens

CALLBACK = "http://127.0.0.1:9/callback"
WITHIN = 8.0


def eventually(check, timeout: float = WITHIN):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@contextmanager
def running(commands: dict[str, list[str]], env: dict, ready: dict[str, str], tmp_path):
    """Start each command (logs in tmp_path); wait until every URL in `ready` answers /readyz."""
    children = {}
    try:
        for name, args in commands.items():
            log = open(tmp_path / f"{name}.log", "w")
            children[name] = subprocess.Popen([*birlikte_command(), *args], env=env, stdout=log, stderr=log)
        for name, url in ready.items():
            assert eventually(lambda: _answers(url), timeout=60), (tmp_path / f"{name}.log").read_text()[-3000:]
        yield children
    finally:
        for child in children.values():
            child.terminate()
        for child in children.values():
            child.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def platform(unique_bus, tmp_path):
    smtp = SmtpServer().start()
    registry_port, events_port = free_port(), free_port()
    registry = f"http://127.0.0.1:{registry_port}"
    settings = unique_bus.replace(smtp_host="127.0.0.1", smtp_port=smtp.port, registry_url=registry,
                                  jwks_url=f"{registry}/.well-known/jwks.json")
    list(declare_topology(settings, ["events"]))
    pool = open_pool(settings, "registry", min_size=1, max_size=2)
    client_id = f"web-{uuid.uuid4().hex[:6]}"
    with pool.connection() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM rate_limits")  # what other tests of the run counted for 127.0.0.1
        secret = clients.register_first_party(cur, Principal.system("test"), client_id, name="web",
                                              redirect_uris=[CALLBACK], post_logout_redirect_uris=[],
                                              scopes=["openid", "profile", "email", "offline_access"],
                                              confidential=True)
    pool.close()
    commands = {
        "registry-api": ["serve", "registry", "--bind", "127.0.0.1", "--port", str(registry_port), "--workers", "2"],
        "registry-worker": ["worker", "registry"],
        "events-api": ["serve", "events", "--bind", "127.0.0.1", "--port", str(events_port), "--workers", "1"],
        "events-worker": ["worker", "events"],
    }
    ready = {"registry-api": registry, "events-api": f"http://127.0.0.1:{events_port}"}
    with running(commands, env_for(settings), ready, tmp_path):
        yield {"registry": registry, "events": f"http://127.0.0.1:{events_port}", "client_id": client_id,
               "secret": secret, "mailbox": smtp.mailbox, "settings": settings}
    topology.delete(settings, "events")
    smtp.stop()


def _person(platform) -> dict:
    coordinator = Tokens(platform["settings"]).coordinator()  # as this registry issues them
    response = requests.post(f"{platform['registry']}/people", json=person_body(preferred_language="tr"),
                             headers=coordinator)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_sign_in_limit_holds_across_the_registrys_processes(platform):
    person, limit = _person(platform), platform["settings"].sign_in_limit
    answers = []
    for _ in range(limit + 3):
        browser = Browser()  # a new connection each time: gunicorn spreads them over both processes
        browser.get(f"{platform['registry']}/signin")
        answers.append(browser.submit(email=person["email"]).status_code)
    assert answers[:limit] == [303] * limit and set(answers[limit:]) == {429}


def test_signing_out_stops_the_access_token_in_another_service_within_seconds(platform):
    person = _person(platform)
    rp = relying_party(platform["registry"], platform["client_id"], CALLBACK)
    url, _state = rp.authorization_url(f"{platform['registry']}/oauth/authorize", nonce=uuid.uuid4().hex)
    back = sign_in(Browser(), url, person["email"], deliver=lambda: None, mailbox=platform["mailbox"],
                   stop_at=CALLBACK)  # the registry's own worker sends the code
    token = rp.fetch_token(f"{platform['registry']}/oauth/token", authorization_response=back.headers["Location"],
                           client_secret=platform["secret"])
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    mine = f"{platform['events']}/me/registrations"
    assert eventually(lambda: requests.get(mine, headers=headers).status_code == 200)  # events knows the person
    revoked = requests.post(f"{platform['registry']}/oauth/revoke", data={"token": token["refresh_token"]},
                            auth=(platform["client_id"], platform["secret"]))
    assert revoked.status_code == 200
    started = time.monotonic()
    assert eventually(lambda: requests.get(mine, headers=headers).status_code == 401)
    assert time.monotonic() - started < WITHIN
