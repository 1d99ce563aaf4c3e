"""A native or command-line app signs a person in as the public client `birlikte-cli`: no secret,
PKCE S256, the code delivered to a loopback address on whatever port the app found free (RFC 8252);
the relying party is requests-oauthlib, as in test_sign_in.py."""
from __future__ import annotations

import uuid

import jwt
import pytest
import requests

from services import service
from services.registry import mail
from shared.cli import ops
from shared.db import open_pool
from tests.support.identity import Browser, Served, relying_party, sign_in
from tests.support.smtp import SmtpServer, free_port


@pytest.fixture(scope="module")
def provider(settings):
    smtp = SmtpServer().start()
    port = free_port()
    live = settings.replace(registry_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1", smtp_port=smtp.port,
                            sign_in_client_limit=100_000)
    ops.register_native_client(live)
    pool = open_pool(live, "registry", min_size=1, max_size=4)
    with Served(service("registry").create_app(live, pool=pool), port) as served:
        yield {"url": served.url, "settings": live, "mailbox": smtp.mailbox, "deliver": lambda: mail.send_due(pool, live)}
    pool.close()
    smtp.stop()


def _authorize(provider, redirect_uri: str):
    rp = relying_party(provider["url"], ops.NATIVE_CLIENT_ID, redirect_uri)
    url, _state = rp.authorization_url(f"{provider['url']}/oauth/authorize", nonce="n-" + uuid.uuid4().hex)
    return rp, url


def test_a_native_app_signs_in_on_a_loopback_port_of_its_own_without_a_secret(provider, create_person):
    person = create_person(preferred_language="en")
    callback = f"http://127.0.0.1:{free_port()}/callback"  # any port: the app's, not a registered one
    rp, url = _authorize(provider, callback)
    back = sign_in(Browser(), url, person["email"], deliver=provider["deliver"], mailbox=provider["mailbox"],
                   stop_at=callback)
    token = rp.fetch_token(f"{provider['url']}/oauth/token", authorization_response=back.headers["Location"],
                           include_client_id=True)
    assert jwt.decode(token["access_token"], options={"verify_signature": False})["sub"] == person["id"]
    renewed = rp.refresh_token(f"{provider['url']}/oauth/token", refresh_token=token["refresh_token"],
                               client_id=ops.NATIVE_CLIENT_ID)
    assert renewed["access_token"] != token["access_token"]


@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:8123/elsewhere", "http://attacker.example:8123/callback",
                                          "https://127.0.0.1:8123/callback", "http://localhost.attacker.example/callback"])
def test_a_redirect_that_is_not_the_registered_loopback_path_is_refused(provider, redirect_uri):
    _rp, url = _authorize(provider, redirect_uri)
    answer = requests.get(url, allow_redirects=False)
    assert answer.status_code == 400 and "Location" not in answer.headers  # never sent anywhere


def test_the_public_client_must_use_pkce(provider):
    callback = f"http://127.0.0.1:{free_port()}/callback"
    answer = requests.get(f"{provider['url']}/oauth/authorize", allow_redirects=False, params={
        "response_type": "code", "client_id": ops.NATIVE_CLIENT_ID, "redirect_uri": callback,
        "scope": "openid", "state": "s", "nonce": "n"})
    where = answer.headers.get("Location", "")
    assert answer.status_code == 302 and where.startswith(callback) and "error=invalid_request" in where
    assert "code=" not in where
