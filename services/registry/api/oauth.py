"""OAuth 2 and OpenID Connect endpoints for clients: the token endpoint (the authorization code and
refresh grants for people's apps, client credentials for partner systems), revocation, userinfo,
the public keys and the discovery document — every address in it from BIRLIKTE_REGISTRY_URL,
never from the request's Host header."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView

from shared.auth.flask import current_principal
from shared import ratelimit
from shared.errors import DomainError, TooManyRequests, Unavailable
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http.db import cursor, pool
from services.registry.api.oidc import SCOPES, user_info
from services.registry.errors import OAuthError
from services.registry.operations import clients
from services.registry.schemas import TokenRequest, TokenResponse

blp = Blueprint("oauth", __name__, description="Tokens: people's apps (code + PKCE, refresh), partner systems "
                                               "(client credentials); the OpenID Connect provider's metadata.")


def _provider():
    provider = current_app.extensions.get("registry_provider")
    if provider is None:
        raise Unavailable("Token issuer not configured",
                          "This deployment verifies tokens from an external identity provider.")
    return provider


def _client_credentials() -> tuple[str, str]:
    auth = request.authorization
    if auth and auth.type == "basic":
        return auth.username or "", auth.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


@blp.route("/oauth/token")
class Token(MethodView):
    @blp.doc(requestBody={"content": {"application/x-www-form-urlencoded": {"schema": TokenRequest}}})
    @blp.response(200, TokenResponse)
    def post(self):
        """Exchange a grant for tokens: `authorization_code` (with the PKCE verifier), `refresh_token`
        (the refresh token rotates: use the new one next time), or `client_credentials`. Limited per
        client address, and per client once its requests keep failing (429 with Retry-After)."""
        client_id = _client_credentials()[0]
        _limit(f"token:address:{request.remote_addr}", current.settings().token_limit)
        _limit(f"token:failed:{client_id}", current.settings().token_failure_limit, count=False)
        try:
            response = self._grant()
        except DomainError:  # a wrong secret, a bad grant: every refusal counts
            _failed(client_id)
            raise
        status = response.status_code if hasattr(response, "status_code") else response[1]
        if status in (400, 401):
            _failed(client_id)
        return response

    @staticmethod
    def _grant():
        grant_type = request.form.get("grant_type")
        if grant_type in ("authorization_code", "refresh_token"):
            return _provider().server.create_token_response()
        if grant_type != "client_credentials":
            raise OAuthError("unsupported_grant_type",
                             "Use authorization_code, refresh_token or client_credentials.")
        body = clients.token(cursor(), _provider().issuer, *_client_credentials(), request.form.get("scope"))
        return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


TOKEN_WINDOW_SECONDS = 60


def _limit(key: str, limit: int, *, count: bool = True) -> None:
    """Refuse (429) once `key` is past its limit in this minute; `count`: this request is a hit."""
    if count:
        ratelimit.hit(pool(), key, limit, TOKEN_WINDOW_SECONDS)
    else:
        ratelimit.check(pool(), key, limit, TOKEN_WINDOW_SECONDS)


def _failed(client_id: str) -> None:
    """A failed attempt counts against the client: guessing its secret runs into the limit."""
    try:
        ratelimit.hit(pool(), f"token:failed:{client_id}", current.settings().token_failure_limit,
                      TOKEN_WINDOW_SECONDS)
    except TooManyRequests:
        pass  # this request is refused already; the next one meets the limit


@blp.route("/oauth/revoke")
class Revoke(MethodView):
    @blp.response(200)
    def post(self):
        """RFC 7009: revoke a refresh token; its session ends, and with it the session's access tokens."""
        return _provider().server.create_endpoint_response("revocation")


@blp.route("/oauth/userinfo")
class UserInfoView(MethodView):
    @blp.response(200)  # documented as an answer of its own, not as an error
    def get(self):
        """The signed-in person's standard claims, by the scopes of the access token."""
        principal = current_principal()
        person = principal.person_id and _person(principal.person_id)
        if not person:
            raise OAuthError("invalid_token", "Userinfo describes people; this token is not a person's.")
        return dict(user_info(person, " ".join(principal.scopes)))


def _person(person_id) -> dict | None:
    cur = cursor()
    cur.execute("SELECT * FROM people WHERE id = %s AND status = 'active'", (person_id,))
    return cur.fetchone()


@blp.route("/.well-known/jwks.json")
class Keys(MethodView):
    @blp.response(200)  # documented as an answer of its own, not as an error
    def get(self):
        """The public keys tokens are verified with: the signing one, the next, and retired ones
        whose tokens may still be in use."""
        return _provider().keys.jwks(), 200, {"Cache-Control": "public, max-age=300"}


@blp.route("/.well-known/openid-configuration")
class Discovery(MethodView):
    @blp.response(200)  # documented as an answer of its own, not as an error
    def get(self):
        """OpenID Provider metadata (OpenID Connect Discovery 1.0, RFC 8414)."""
        return metadata(current.settings()), 200, {"Cache-Control": "public, max-age=300"}


def metadata(settings) -> dict:
    base = settings.registry_url.rstrip("/")
    return {
        "issuer": settings.issuer,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "userinfo_endpoint": f"{base}/oauth/userinfo",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "end_session_endpoint": f"{base}/oauth/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "sid", "name",
                             "email", "email_verified", "locale", "zoneinfo"],
        "ui_locales_supported": ["tr", "en"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }
