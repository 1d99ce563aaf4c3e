"""Bearer tokens, verified with the PEM key or through a JWKS URL: every bad token is a 401
with the right challenge, a good token without the right is a 403."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from shared.auth.tokens import TokenIssuer
from tests.conftest import keypair as _keypair
from tests.integration.http.conftest import assert_problem, make_app
from tests.support.smtp import free_port

COORDINATOR = ("coordinator",)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _hs256_with(secret: str, claims: dict, kid: str | None = None) -> str:
    """The classic confusion attack: HMAC-signed with the public key's PEM as the secret."""
    header = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = _b64(json.dumps(header).encode()) + b"." + _b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(signature)).decode()


def _unsigned(claims: dict, kid: str | None = None) -> str:
    header = {"alg": "none", "typ": "JWT", **({"kid": kid} if kid else {})}
    return (_b64(json.dumps(header).encode()) + b"." + _b64(json.dumps(claims).encode()) + b".").decode()


def _claims(settings, **changes) -> dict:
    now = int(time.time())
    return {"iss": settings.issuer, "aud": settings.jwt_audience, "sub": "someone", "iat": now,
            "exp": now + 600, "roles": list(COORDINATOR), **changes}


def bad_tokens(settings, kid: str | None = None) -> dict[str, str]:
    """Tokens a verifier of `settings` must refuse, each for one reason."""
    private, public = settings.jwt_private_key, settings.jwt_public_key
    other_private, _ = _keypair()
    now = int(time.time())
    headers = {"kid": kid} if kid else None

    def signed(key=private, **changes):
        return jwt.encode(_claims(settings, **changes), key, algorithm="RS256", headers=headers)

    without_exp = _claims(settings)
    del without_exp["exp"]
    return {
        "expired an hour ago": signed(iat=now - 7200, exp=now - 3600),
        "wrong audience": signed(aud="someone-else"),
        "wrong issuer": signed(iss="https://evil.example"),
        "no expiry": jwt.encode(without_exp, private, algorithm="RS256", headers=headers),
        "not yet valid": signed(nbf=now + 3600),
        "signed by another key": signed(other_private),
        "alg none": _unsigned(_claims(settings), kid),
        "HS256 with the public key as secret": _hs256_with(public, _claims(settings), kid),
        "garbage": "not.a.token",
        "payload swapped after signing": _swap_payload(signed(), _claims(settings, sub="admin")),
    }


def _swap_payload(token: str, claims: dict) -> str:
    header, _, signature = token.split(".")
    return ".".join([header, _b64(json.dumps(claims).encode()).decode(), signature])


def test_a_good_token_is_accepted(client, http_settings):
    token = TokenIssuer(http_settings).issue("c", roles=COORDINATOR)
    assert client.get("/notes", headers=bearer(token)).status_code == 200


def test_every_bad_token_is_a_401_with_an_invalid_token_challenge(client, http_settings):
    for reason, token in bad_tokens(http_settings).items():
        response = client.get("/notes", headers=bearer(token))
        assert response.status_code == 401, reason
        assert_problem(response, 401)
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge, reason


def test_a_token_expired_just_now_is_accepted_within_the_leeway_only(client, http_settings):
    now = int(time.time())
    claims = _claims(http_settings, iat=now - 600)
    fresh = jwt.encode({**claims, "exp": now - 5}, http_settings.jwt_private_key, algorithm="RS256")
    stale = jwt.encode({**claims, "exp": now - 120}, http_settings.jwt_private_key, algorithm="RS256")
    assert client.get("/notes", headers=bearer(fresh)).status_code == 200
    assert_problem(client.get("/notes", headers=bearer(stale)), 401)


def test_no_token_or_another_scheme_is_a_401_and_a_token_without_the_right_a_403(client, tokens):
    missing = client.get("/notes")
    assert_problem(missing, 401)
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="birlikte"'
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc", "bearer"):
        response = client.get("/notes", headers={"Authorization": header})
        assert_problem(response, 401)
        assert 'error="invalid_request"' in response.headers["WWW-Authenticate"], header
    forbidden = client.get("/notes", headers=tokens.member_of("some-org"))
    assert assert_problem(forbidden, 403)["detail"] == "Coordinators only."
    assert "WWW-Authenticate" not in forbidden.headers


class _Jwks:
    """An identity provider's JWKS endpoint on localhost; counts the fetches it answers."""

    def __init__(self, document: dict):
        self.document = json.dumps(document).encode()
        self.fetches = 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                jwks.fetches += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(jwks.document)))
                self.end_headers()
                self.wfile.write(jwks.document)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/.well-known/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def jwks(http_settings):
    server = _Jwks(TokenIssuer(http_settings).jwks())
    yield server
    server.close()


def test_tokens_are_verified_through_a_jwks_url(jwks, http_settings, http_pool):
    settings = http_settings.replace(jwt_public_key=None, jwks_url=jwks.url)
    client = make_app(settings, http_pool).test_client()
    issuer = TokenIssuer(http_settings)
    assert client.get("/notes", headers=bearer(issuer.issue("c", roles=COORDINATOR))).status_code == 200
    assert jwks.fetches >= 1
    other_private, other_public = _keypair()
    stranger = TokenIssuer(http_settings.replace(jwt_private_key=other_private, jwt_public_key=other_public))
    assert_problem(client.get("/notes", headers=bearer(stranger.issue("c", roles=COORDINATOR))), 401)
    # the same bad tokens, now carrying the kid of the key the JWKS does hold
    for reason, token in bad_tokens(http_settings, kid=issuer.kid).items():
        response = client.get("/notes", headers=bearer(token))
        assert response.status_code == 401, reason
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"], reason


def test_an_unreachable_jwks_is_a_503_not_a_verdict_on_the_token(http_settings, http_pool):
    """The service cannot check the token; telling the client its token is invalid would make it
    throw away a good token. It is our outage: 503 with Retry-After."""
    settings = http_settings.replace(jwt_public_key=None,
                                     jwks_url=f"http://127.0.0.1:{free_port()}/.well-known/jwks.json")
    client = make_app(settings, http_pool).test_client()
    token = TokenIssuer(http_settings).issue("c", roles=COORDINATOR)
    started = time.monotonic()
    response = client.get("/notes", headers=bearer(token))
    assert time.monotonic() - started < 10
    assert_problem(response, 503)
    assert response.headers.get("Retry-After") and "WWW-Authenticate" not in response.headers
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_tokens_of_several_providers_are_verified_each_with_its_own_jwks(jwks, http_settings, http_pool):
    """Another OpenID Connect provider signs the people's tokens, the registry its partner clients':
    BIRLIKTE_JWKS_URL names both, and a key neither publishes is still refused."""
    other_private, other_public = _keypair()
    provider = TokenIssuer(http_settings.replace(jwt_private_key=other_private, jwt_public_key=other_public))
    second = _Jwks(provider.jwks())
    try:
        settings = http_settings.replace(jwt_public_key=None, jwks_url=f"{jwks.url} {second.url}")
        client = make_app(settings, http_pool).test_client()
        for issuer in (TokenIssuer(http_settings), provider):
            assert client.get("/notes", headers=bearer(issuer.issue("c", roles=COORDINATOR))).status_code == 200
        stranger_private, stranger_public = _keypair()
        stranger = TokenIssuer(http_settings.replace(jwt_private_key=stranger_private, jwt_public_key=stranger_public))
        assert_problem(client.get("/notes", headers=bearer(stranger.issue("c", roles=COORDINATOR))), 401)
    finally:
        second.close()
