"""API clients of partner organizations (OAuth2 client credentials): registered, revoked, and
the tokens they exchange their credentials for."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from shared.auth.principal import Principal
from shared.auth.tokens import TokenIssuer
from shared.versions import Precondition
from services.registry import queries, store
from services.registry.errors import InvalidClient, OAuthError
from services.registry.operations import organizations


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash cannot be brute-forced; no salt needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def register(cur, actor: Principal, organization_id, data: dict) -> dict:
    """The new client, with its secret in clear under `client_secret`: shown once, only its hash kept."""
    organizations.require_active(cur, organization_id)
    secret = secrets.token_urlsafe(32)
    row = store.register(cur, "client", {
        **data, "organization_id": organization_id, "created_by": actor.subject,
        "client_id": "bk_" + secrets.token_urlsafe(12), "secret_hash": hash_secret(secret)})
    return {**row, "client_secret": secret}


def revoke(cur, actor: Principal, organization_id, client_id, precondition: Precondition) -> dict:
    """It gets no new tokens from now on."""
    queries.client(cur, organization_id, client_id)
    return store.close(cur, "client", client_id, "revoked", precondition)


def token(cur, issuer: TokenIssuer, client_id: str, secret: str, scope: str | None) -> dict:
    """RFC 6749 §4.4: an active client of an active organization gets a bearer token for the
    scopes it asks for (all of its own, by default)."""
    client = queries.client_with_organization(cur, client_id)
    expected = client["secret_hash"] if client else hash_secret("")  # the same work for unknown ids
    valid = hmac.compare_digest(expected, hash_secret(secret))
    if not client or not valid or client["status"] != "active" or client["organization_status"] != "active":
        raise InvalidClient()
    requested = (scope or "").split() or list(client["scopes"])
    if not set(requested) <= set(client["scopes"]):
        raise OAuthError("invalid_scope", f"This client may ask only for: {' '.join(client['scopes'])}.")
    access_token = issuer.issue(f"client:{client['client_id']}", roles=("partner_client",), scopes=requested,
                                organization=str(client["organization_id"]))
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": issuer.lifetime,
            "scope": " ".join(requested)}
