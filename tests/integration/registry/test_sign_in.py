"""People sign in: the registry as OpenID Connect provider, driven by an independent relying party
(requests-oauthlib) and a browser that fills in its forms, against the real database and a real
SMTP server. The code flow with PKCE, ID tokens, userinfo, refresh rotation and its replay
detection, revocation, logout, and the sign-in rules (codes once, limits, unknown addresses)."""
from __future__ import annotations

import os
import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from services import service
from shared.db import open_pool
from services.registry import mail
from services.registry.operations import clients
from shared.auth.principal import Principal
from tests.support.identity import Browser, Served, code_in, relying_party, sign_in
from tests.support.smtp import SmtpServer, free_port

CALLBACK = "http://127.0.0.1:9/callback"  # never reached: the test reads the redirect


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def provider(settings, smtp):
    """The registry served on a port of its own, as people and apps reach it, with a web client."""
    port = free_port()
    # the per-client-address limit is lifted here (this module's browsers all come from 127.0.0.1);
    # test_sign_in_attempts_are_limited_per_client_address holds it
    live = settings.replace(registry_url=f"http://127.0.0.1:{port}", smtp_host="127.0.0.1", smtp_port=smtp.port,
                            sign_in_client_limit=100_000)
    pool = open_pool(live, "registry", min_size=1, max_size=8)
    with pool.connection() as conn, conn.cursor() as cur:
        # every test of the run signs in from 127.0.0.1: the limits counted so far are not this module's
        cur.execute("DELETE FROM rate_limits")
        secret = clients.register_first_party(
            cur, Principal.system("test"), f"web-{port}", name="Birlikte web", redirect_uris=[CALLBACK],
            post_logout_redirect_uris=["http://127.0.0.1:9/signed-out"],
            scopes=["openid", "profile", "email", "offline_access"], confidential=True)
    app = service("registry").create_app(live, pool=pool)
    with Served(app, port) as served:
        yield {"url": served.url, "settings": live, "pool": pool, "client_id": f"web-{port}", "secret": secret,
               "mailbox": smtp.mailbox, "deliver": lambda: mail.send_due(pool, live)}
    pool.close()


@pytest.fixture
def person(create_person):
    return create_person(preferred_language="en")


def _start(provider, **extra):
    rp = relying_party(provider["url"], provider["client_id"], CALLBACK)
    url, state = rp.authorization_url(f"{provider['url']}/oauth/authorize", nonce="n-" + uuid.uuid4().hex, **extra)
    return rp, url, state


def _signed_in(provider, person, browser=None):
    browser = browser or Browser()
    rp, url, state = _start(provider)
    back = sign_in(browser, url, person["email"], deliver=provider["deliver"], mailbox=provider["mailbox"],
                   stop_at=CALLBACK)
    token = rp.fetch_token(f"{provider['url']}/oauth/token", authorization_response=back.headers["Location"],
                           client_secret=provider["secret"])
    return rp, token, browser, url


def _userinfo(provider, token) -> requests.Response:
    return requests.get(f"{provider['url']}/oauth/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})


def eventually(check, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _verify_id_token(provider, token, audience):
    keys = jwt.PyJWKClient(f"{provider['url']}/.well-known/jwks.json")
    key = keys.get_signing_key_from_jwt(token["id_token"]).key
    return jwt.decode(token["id_token"], key, algorithms=["RS256"], audience=audience,
                      issuer=provider["settings"].issuer)


def test_the_code_flow_with_pkce_signs_a_person_in_and_their_tokens_say_who_they_are(provider, person):
    rp, token, _browser, url = _signed_in(provider, person)
    assert parse_qs(urlsplit(url).query)["code_challenge_method"] == ["S256"]
    assert {"access_token", "refresh_token", "id_token", "expires_in"} <= set(token)
    assert token["expires_in"] == provider["settings"].token_lifetime_seconds  # minutes, not hours
    claims = _verify_id_token(provider, token, provider["client_id"])
    assert claims["sub"] == person["id"] and claims["email"] == person["email"] and claims["amr"] == ["otp"]
    assert claims["nonce"].startswith("n-") and claims["at_hash"] and claims["auth_time"] <= time.time()
    access = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert access["sub"] == person["id"] and access["azp"] == provider["client_id"] and access["sid"]
    info = requests.get(f"{provider['url']}/oauth/userinfo",
                        headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert info == {"sub": person["id"], "name": person["full_name"], "email": person["email"],
                    "email_verified": True, "locale": "en", "zoneinfo": person["time_zone"]}


def test_the_access_token_is_accepted_by_another_service_through_the_registrys_jwks(provider, person, settings):
    _rp, token, _browser, _url = _signed_in(provider, person)
    events = service("events").create_app(settings.replace(jwt_public_key=None,
                                                           jwks_url=f"{provider['url']}/.well-known/jwks.json",
                                                           registry_url=provider["url"]))
    answer = events.test_client().get("/me/registrations", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 200, answer.get_json()
    events.extensions["birlikte"]["pool"]().close()


def test_refresh_rotates_and_a_replayed_refresh_token_ends_the_whole_session(provider, person):
    rp, first, _browser, _url = _signed_in(provider, person)
    token_url = f"{provider['url']}/oauth/token"
    second = rp.refresh_token(token_url, refresh_token=first["refresh_token"], client_id=provider["client_id"],
                              client_secret=provider["secret"])
    assert second["refresh_token"] != first["refresh_token"] and second["access_token"] != first["access_token"]
    replay = requests.post(token_url, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
                           auth=(provider["client_id"], provider["secret"]))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert replay.headers["Content-Type"] == "application/problem+json"
    # the thief's copy and the rightful one die together: the session is over
    after = requests.post(token_url, data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
                          auth=(provider["client_id"], provider["secret"]))
    assert after.status_code == 400
    assert eventually(lambda: _userinfo(provider, second).status_code == 401)
    assert "revoked" in _userinfo(provider, second).json()["detail"]


def test_revoking_a_refresh_token_ends_its_session(provider, person):
    _rp, token, _browser, _url = _signed_in(provider, person)
    revoked = requests.post(f"{provider['url']}/oauth/revoke", data={"token": token["refresh_token"]},
                            auth=(provider["client_id"], provider["secret"]))
    assert revoked.status_code == 200
    again = requests.post(f"{provider['url']}/oauth/token",
                          data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
                          auth=(provider["client_id"], provider["secret"]))
    assert again.status_code == 400
    assert eventually(lambda: _userinfo(provider, token).status_code == 401)  # every process within seconds


def test_logout_with_the_id_token_ends_the_session_and_returns_to_the_app(provider, person):
    _rp, token, browser, url = _signed_in(provider, person)
    out = browser.get(f"{provider['url']}/oauth/logout", params={
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": "http://127.0.0.1:9/signed-out",
        "state": "s1"})
    assert out.status_code == 302 and out.headers["Location"] == "http://127.0.0.1:9/signed-out?state=s1"
    assert eventually(lambda: _userinfo(provider, token).status_code == 401)
    # the browser's own session is gone too: the next authorization asks for a sign-in again
    assert "/signin" in browser.follow(url).url


def test_without_pkce_or_with_a_redirect_not_registered_nothing_is_granted(provider, person):
    rp, url, _state = _start(provider)
    no_pkce = url.replace("code_challenge_method=S256", "").replace("code_challenge=", "x=")
    browser = Browser()
    page = browser.get(no_pkce)
    assert page.status_code == 302 and "error=invalid_request" in page.headers["Location"]
    elsewhere = url.replace("127.0.0.1%3A9%2Fcallback", "evil.example%2Fcallback")
    page = browser.get(elsewhere)
    assert page.status_code == 400 and "evil.example" not in page.headers.get("Location", "")


def _main(html: str) -> str:
    """The page's main content, its form tokens taken out."""
    return re.sub(r'value="[^"]*"', "", html.split("<main", 1)[1].split("</main>", 1)[0])


def _asked(provider, url, email) -> Browser:
    browser = Browser()
    browser.follow(url)
    browser.submit(email=email)
    browser.follow(provider["url"] + browser.page.headers["Location"])
    return browser


def test_a_code_works_once_and_only_for_its_browser_and_an_unknown_address_gets_the_same_answer(provider, person):
    _rp, url, _state = _start(provider)
    browser = _asked(provider, url, person["email"])
    stranger = _asked(provider, url, f"nobody-{uuid.uuid4().hex[:6]}@example.org")
    assert browser.page.status_code == stranger.page.status_code == 200
    assert _main(browser.page.text) == _main(stranger.page.text)  # the same page, whoever owns the address
    provider["deliver"]()
    [*_, message] = provider["mailbox"].wait_for(person["email"])
    stranger.submit(code=code_in(message))
    assert stranger.page.status_code == 422  # another browser cannot use the person's code
    browser.submit(code=code_in(message))
    assert browser.page.status_code == 303
    assert browser.get(provider["url"] + "/signin/code").status_code == 303  # used: nothing waits for a code


def test_five_wrong_codes_lock_the_code(provider, person):
    _rp, url, _state = _start(provider)
    browser = _asked(provider, url, person["email"])
    provider["deliver"]()
    [*_, message] = provider["mailbox"].wait_for(person["email"])
    right = code_in(message)
    wrong = f"{(int(right) + 1) % 10 ** 6:06d}"
    for _ in range(5):
        browser.submit(code=wrong)
        assert browser.page.status_code == 422
        browser.get(provider["url"] + "/signin/code")
    browser.submit(code=right)
    assert browser.page.status_code == 429 and "locked" in browser.page.text


def test_sign_in_requests_are_limited_per_address(provider, person):
    limit = provider["settings"].sign_in_limit
    statuses = []
    for _ in range(limit + 1):
        browser = Browser()
        browser.get(provider["url"] + "/signin")
        browser.submit(email=person["email"])
        statuses.append(browser.page.status_code)
    assert statuses[:limit] == [303] * limit and statuses[-1] == 429
    assert int(browser.page.headers["Retry-After"]) > 0


def test_sign_in_attempts_are_limited_per_client_address(provider, create_person):
    """One machine asking for codes for many addresses: the limit of its address stops it (429)."""
    limit = 3
    app = service("registry").create_app(provider["settings"].replace(sign_in_client_limit=limit), pool=provider["pool"])
    with provider["pool"].connection() as conn:
        conn.execute("DELETE FROM rate_limits WHERE key LIKE 'sign-in:address:%'")
    statuses = []
    with Served(app, free_port()) as served:
        for _ in range(limit + 1):
            browser = Browser()
            browser.get(served.url + "/signin")
            browser.submit(email=create_person()["email"])  # a new address each time: only the machine repeats
            statuses.append(browser.page.status_code)
    assert statuses == [303] * limit + [429]
    assert int(browser.page.headers["Retry-After"]) > 0


def test_discovery_is_complete_valid_and_names_the_configured_issuer_whatever_the_host(provider):
    from authlib.oidc.discovery import OpenIDProviderMetadata
    found = requests.get(f"{provider['url']}/.well-known/openid-configuration",
                         headers={"Host": "attacker.example"}).json()
    assert found["issuer"] == provider["settings"].issuer and "attacker" not in str(found)
    OpenIDProviderMetadata(found).validate()
    assert found["code_challenge_methods_supported"] == ["S256"]
    jwks = requests.get(found["jwks_uri"]).json()
    assert jwks["keys"] and all(k["kid"] and "d" not in k for k in jwks["keys"])
    assert os.environ.get("AUTHLIB_INSECURE_TRANSPORT") is None  # no switch was needed for this
