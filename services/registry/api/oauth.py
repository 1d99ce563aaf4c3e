"""The built-in token issuer: OAuth2 client credentials for partner systems, and its public keys.

An external OIDC provider can replace it: services verify against BIRLIKTE_JWKS_URL instead.
"""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView

from shared.auth.tokens import TokenIssuer
from shared.errors import Unavailable
from shared.http import current
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from services.registry.errors import OAuthError
from services.registry.operations import clients
from services.registry.schemas import TokenRequest, TokenResponse

blp = Blueprint("oauth", __name__, description="Tokens for partner API clients (RFC 6749 client credentials).")


def _issuer() -> TokenIssuer:
    issuer = current_app.extensions.get("registry_issuer")
    if issuer is None:
        raise Unavailable("Token issuer not configured",
                          "This deployment verifies tokens from an external identity provider.")
    return issuer


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
        """Exchange a client's id and secret (HTTP Basic or form) for a bearer token."""
        if request.form.get("grant_type") != "client_credentials":
            raise OAuthError("unsupported_grant_type", "Only grant_type=client_credentials is supported.")
        body = clients.token(cursor(), _issuer(), *_client_credentials(), request.form.get("scope"))
        return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@blp.route("/.well-known/jwks.json")
class Keys(MethodView):
    def get(self):
        """The public keys every service verifies tokens with."""
        return _issuer().jwks()


@blp.route("/.well-known/openid-configuration")
class Discovery(MethodView):
    def get(self):
        base = request.host_url.rstrip("/")
        return {"issuer": current.settings().jwt_issuer,
                "jwks_uri": f"{base}/.well-known/jwks.json", "token_endpoint": f"{base}/oauth/token",
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}
