"""The built-in token issuer: OAuth2 client credentials for partner systems, and its public keys.

An external OIDC provider can replace it: services verify against BIRLIKTE_JWKS_URL instead.
"""
from __future__ import annotations

import hmac

from flask import current_app, request
from flask.views import MethodView
from shared.http.blueprint import Blueprint

from shared.auth.tokens import TokenIssuer
from shared.http.db import cursor
from shared.http.problems import abort_problem
from services.registry.api.clients import hash_secret
from services.registry.schemas import TokenRequest, TokenResponse

blp = Blueprint("oauth", __name__, description="Tokens for partner API clients (RFC 6749 client credentials).")


def _issuer() -> TokenIssuer:
    issuer = current_app.extensions.get("registry_issuer")
    if issuer is None:
        abort_problem(503, "Token issuer not configured",
                      "This deployment verifies tokens from an external identity provider.")
    return issuer


def _oauth_error(status: int, error: str, description: str):
    # RFC 6749 §5.2 fields inside an RFC 9457 body: OAuth libraries and people both understand it.
    headers = {"WWW-Authenticate": 'Basic realm="birlikte"'} if status == 401 else None
    abort_problem(status, error.replace("_", " ").capitalize(), description,
                  error=error, error_description=description, headers=headers)


def _client_credentials() -> tuple[str, str]:
    auth = request.authorization
    if auth and auth.type == "basic":
        return auth.username or "", auth.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


def _authenticate(client_id: str, secret: str) -> dict:
    cur = cursor()
    cur.execute("SELECT c.*, o.status AS organization_status FROM api_clients c "
                "JOIN organizations o ON o.id = c.organization_id WHERE c.client_id = %s", (client_id,))
    client = cur.fetchone()
    expected = client["secret_hash"] if client else hash_secret("")
    valid = hmac.compare_digest(expected, hash_secret(secret))
    if not client or not valid or client["status"] != "active" or client["organization_status"] != "active":
        _oauth_error(401, "invalid_client", "Unknown client, wrong secret, or a revoked client.")
    return client


@blp.route("/oauth/token")
class Token(MethodView):
    @blp.doc(requestBody={"content": {"application/x-www-form-urlencoded": {"schema": TokenRequest}}})
    @blp.response(200, TokenResponse)
    def post(self):
        """Exchange a client's id and secret (HTTP Basic or form) for a bearer token."""
        if request.form.get("grant_type") != "client_credentials":
            _oauth_error(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
        client = _authenticate(*_client_credentials())
        requested = request.form.get("scope", "").split() or list(client["scopes"])
        if not set(requested) <= set(client["scopes"]):
            _oauth_error(400, "invalid_scope", f"This client may ask only for: {' '.join(client['scopes'])}.")
        issuer = _issuer()
        token = issuer.issue(f"client:{client['client_id']}", roles=("partner_client",), scopes=requested,
                             organization=str(client["organization_id"]))
        body = {"access_token": token, "token_type": "Bearer", "expires_in": issuer.lifetime,
                "scope": " ".join(requested)}
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
        return {"issuer": current_app.extensions["birlikte"]["settings"].jwt_issuer,
                "jwks_uri": f"{base}/.well-known/jwks.json", "token_endpoint": f"{base}/oauth/token",
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}
