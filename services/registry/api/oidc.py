"""The OpenID Connect provider, built with authlib: the authorization code grant with PKCE (S256,
required of every client), ID tokens, refresh tokens that rotate (a replayed one ends the
session), token revocation (RFC 7009) and RP-initiated logout. authlib speaks the protocol; the
records and rules are the registry's operations (operations/grants.py, sessions.py).

Errors of the token, revocation and logout endpoints are answered as problem+json carrying the
RFC 6749 `error` and `error_description` members, like every other error of the platform.
"""
from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, TokenMixin, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from authlib.oidc.rpinitiated import EndSessionEndpoint
from cryptography.hazmat.primitives import serialization
from joserfc.jwk import RSAKey

from shared.auth.principal import Principal
from shared.digests import digest
from shared.http.db import cursor, keep_writes
from shared.http.problems import problem_response
from services.registry import queries
from services.registry.operations import grants as records
from services.registry.operations import sessions

SCOPES = ("openid", "profile", "email", "offline_access")
REPLAY = Principal.system("refresh-replay")


@dataclass
class SignedIn:
    """The resource owner, as authlib sees them: a person in a live session."""
    person: dict
    session: dict

    def get_user_id(self) -> str:
        return str(self.person["id"])


class Client(ClientMixin):
    """A first-party client: the web app (confidential) or a native app (public, `secret_hash` NULL)."""

    def __init__(self, row: dict):
        self.row = row
        self.client_id = row["client_id"]

    @property
    def client_metadata(self) -> dict:
        return {"post_logout_redirect_uris": list(self.row["post_logout_redirect_uris"])}

    @property
    def is_public(self) -> bool:
        return self.row["secret_hash"] is None

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.row["redirect_uris"][0] if self.row["redirect_uris"] else None

    def get_allowed_scope(self, scope):
        allowed = set(self.row["scopes"])
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        """Exactly as registered; a native app's loopback address (RFC 8252 §7.3) on any port,
        since the app listens on whatever port is free when the person signs in."""
        if redirect_uri in self.row["redirect_uris"]:
            return True
        return self.is_public and any(_same_loopback(redirect_uri, registered) for registered in self.row["redirect_uris"])

    def check_client_secret(self, client_secret):
        return not self.is_public and hmac.compare_digest(self.row["secret_hash"], digest(client_secret))

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "none" if self.is_public else method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")


LOOPBACK_HOSTS = ("127.0.0.1", "[::1]")


def _same_loopback(asked: str, registered: str) -> bool:
    """http://127.0.0.1:<any port>/path (or [::1]) against a registered loopback URI of that path."""
    a, r = urlsplit(asked), urlsplit(registered)
    hosts = {a.netloc.rsplit(":", 1)[0] if a.port else a.netloc, r.netloc.rsplit(":", 1)[0] if r.port else r.netloc}
    return (a.scheme == r.scheme == "http" and hosts <= set(LOOPBACK_HOSTS) and len(hosts) == 1
            and a.path == r.path and a.query == r.query and not a.fragment and not a.username)


class Code(AuthorizationCodeMixin):
    def __init__(self, row: dict, session: dict):
        self.row, self.session = row, session
        self.code_challenge = row["code_challenge"]
        self.code_challenge_method = row["code_challenge_method"]

    def get_redirect_uri(self):
        return self.row["redirect_uri"]

    def get_scope(self):
        return self.row["scope"]

    def get_nonce(self):
        return self.row["nonce"]

    def get_auth_time(self):
        return int(self.session["auth_time"].timestamp())

    def get_amr(self):
        return list(self.session["amr"])


class Refresh(TokenMixin):
    def __init__(self, row: dict):
        self.row = row

    def check_client(self, client):
        return client.get_client_id() == self.row["client_id"]

    def get_scope(self):
        return self.row["scope"]

    def get_expires_in(self):
        return int((self.row["expires_at"].timestamp()) - time.time())

    def is_expired(self):
        return not records.is_usable(self.row)

    def is_revoked(self):
        return records.is_replay(self.row)


class Pkce(CodeChallenge):
    """PKCE with S256, required of every client — public or confidential."""
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE (S256) is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Use code_challenge_method=S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code.code_challenge_method


def _signed_in(person_id, session_id) -> SignedIn | None:
    cur = cursor()
    session = queries.live_session(cur, session_id)
    if session is None:
        return None
    cur.execute("SELECT * FROM people WHERE id = %s", (person_id,))
    return SignedIn(cur.fetchone(), session)


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        records.save_code(cursor(), code, client_id=request.client.get_client_id(), session=request.user.session,
                          redirect_uri=request.payload.redirect_uri, scope=request.scope, nonce=data.get("nonce"),
                          challenge=data["code_challenge"], method=data["code_challenge_method"])

    def query_authorization_code(self, code, client):
        row = records.find_code(cursor(), code, client.get_client_id())
        session = queries.live_session(cursor(), row["session_id"]) if row else None
        return Code(row, session) if session else None

    def delete_authorization_code(self, authorization_code):
        records.spend_code(cursor(), authorization_code.row)

    def authenticate_user(self, authorization_code):
        return _signed_in(authorization_code.row["person_id"], authorization_code.row["session_id"])


class IdTokens(OpenIDCode):
    def __init__(self, provider: "Provider"):
        super().__init__(require_nonce=False)
        self.provider = provider

    def exists_nonce(self, nonce, request):
        cur = cursor()
        cur.execute("SELECT 1 FROM authorization_codes WHERE client_id = %s AND nonce = %s",
                    (request.payload.client_id, nonce))
        return cur.fetchone() is not None

    def resolve_client_private_key(self, client):
        key = self.provider.keys.signing()
        pem = key.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
        return RSAKey.import_key(pem, {"kid": key.kid})

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self.provider.keys.signing().kid}

    def get_client_claims(self, client):
        now = int(time.time())
        return {"iss": self.provider.settings.issuer, "aud": client.get_client_id(), "iat": now,
                "exp": now + self.provider.settings.token_lifetime_seconds}

    def generate_user_info(self, user, scope):
        return user_info(user.person, scope)


def user_info(person: dict, scope: str) -> UserInfo:
    """The standard claims a person's ID token and userinfo carry, by scope."""
    info = UserInfo(sub=str(person["id"]))
    scopes = set((scope or "").split())
    if "profile" in scopes:
        info.update(name=person["full_name"], locale=person["preferred_language"], zoneinfo=person["time_zone"])
    if "email" in scopes:
        info.update(email=person["email"], email_verified=True)  # sign-in proves the address
    return info


class RefreshGrant(grants.RefreshTokenGrant):
    INCLUDE_NEW_REFRESH_TOKEN = True
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def authenticate_refresh_token(self, refresh_token):
        row = records.find_refresh(cursor(), refresh_token)
        if row is None:
            return None
        if records.is_replay(row):  # someone else has a copy: the session ends, and that stands
            sessions.end(cursor(), REPLAY, row["session_id"], "refresh token replayed")
            keep_writes()
            return None
        return Refresh(row) if records.is_usable(row) else None

    def authenticate_user(self, refresh_token):
        return _signed_in(refresh_token.row["person_id"], refresh_token.row["session_id"])

    def revoke_old_credential(self, refresh_token):
        records.spend_refresh(cursor(), refresh_token.row)


class Revocation(RevocationEndpoint):
    """RFC 7009 for refresh tokens: revoking one ends its session (its access tokens stop too)."""
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    SUPPORTED_TOKEN_TYPES = ("refresh_token",)

    def query_token(self, token_string, token_type_hint):
        row = records.find_refresh(cursor(), token_string)
        return Refresh(row) if row else None

    def revoke_token(self, token, request):
        sessions.end(cursor(), REPLAY if token.is_revoked() else Principal.system("revocation"),
                     token.row["session_id"], "refresh token revoked by the client")


class EndSession(EndSessionEndpoint):
    def __init__(self, provider: "Provider"):
        super().__init__()
        self.provider = provider

    def get_server_jwks(self):
        return self.provider.keys.jwks()

    def end_session(self, end_session_request):
        claims = end_session_request.id_token_claims or {}
        session_id = claims.get("sid") or self.provider.browser_session_id()
        if session_id and queries.live_session(cursor(), session_id):
            sessions.end(cursor(), Principal.system("sign-out"), session_id, "signed out")


class Server(AuthorizationServer):
    def handle_response(self, status_code, payload, headers):
        if status_code >= 400 and isinstance(payload, dict) and "error" in payload:
            description = payload.get("error_description") or payload["error"].replace("_", " ")
            headers = {k: v for k, v in headers if k.lower() != "content-type"}
            return problem_response(status_code, payload["error"].replace("_", " ").capitalize(), description,
                                    headers=headers, error=payload["error"], error_description=description)
        return super().handle_response(status_code, payload, headers)


class Provider:
    """The authorization server of one app: its clients, grants, endpoints and token making."""

    def __init__(self, app, settings, keys, issuer, browser_session_id):
        self.settings, self.keys, self.issuer = settings, keys, issuer
        self.browser_session_id = browser_session_id
        self.server = Server(app, query_client=self.query_client, save_token=self.save_token)
        self.server.register_token_generator("default", self.generate_token)
        self.server.register_grant(CodeGrant, [Pkce(required=True), IdTokens(self)])
        self.server.register_grant(RefreshGrant)
        self.server.register_endpoint(Revocation)
        self.server.register_endpoint(EndSession(self))

    @staticmethod
    def query_client(client_id):
        row = queries.first_party_client(cursor(), client_id)
        return Client(row) if row else None

    def generate_token(self, grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        scope = client.get_allowed_scope(scope)
        token = {"token_type": "Bearer", "expires_in": self.settings.token_lifetime_seconds, "scope": scope,
                 "access_token": records.access_token(
                     cursor(), self.issuer, person_id=user.person["id"], session_id=user.session["id"],
                     client_id=client.get_client_id(), scope=scope)}
        if include_refresh_token:
            token["refresh_token"] = records.new_refresh_token()
        return token

    def save_token(self, token, request):
        if "refresh_token" in token:
            user = request.user
            records.save_refresh(cursor(), self.settings, token["refresh_token"], session_id=user.session["id"],
                                 client_id=request.client.get_client_id(), person_id=user.person["id"],
                                 scope=token["scope"])
