"""API clients of partner organizations (OAuth2 client credentials): registered, revoked, and
the tokens they exchange their credentials for."""
from __future__ import annotations

import hmac
import secrets

from shared.auth import revocations
from shared.auth.principal import Principal
from shared.digests import digest
from shared.auth.tokens import TokenIssuer
from shared.versions import Precondition
from services.registry import queries, store
from services.registry.errors import InvalidClient, OAuthError
from services.registry.operations import organizations


def register(cur, actor: Principal, organization_id, data: dict) -> dict:
    """The new client, with its secret in clear under `client_secret`: shown once, only its hash kept."""
    organizations.require_active(cur, organization_id)
    secret = secrets.token_urlsafe(32)
    row = store.register(cur, "client", {
        **data, "organization_id": organization_id, "created_by": actor.subject,
        "client_id": "bk_" + secrets.token_urlsafe(12), "secret_hash": digest(secret)})
    return {**row, "client_secret": secret}


def revoke(cur, actor: Principal, organization_id, client_id, precondition: Precondition) -> dict:
    """It gets no new tokens from now on, and the tokens it holds stop in every service."""
    queries.client(cur, organization_id, client_id)
    row = store.close(cur, "client", client_id, "revoked", precondition)
    revocations.record(cur, f"client:{row['client_id']}", "client revoked")
    return row


def token(cur, issuer: TokenIssuer, client_id: str, secret: str, scope: str | None) -> dict:
    """RFC 6749 §4.4: an active client of an active organization gets a bearer token for the
    scopes it asks for (all of its own, by default)."""
    client = queries.client_with_organization(cur, client_id)
    expected = client["secret_hash"] if client else digest("")  # the same work for unknown ids
    valid = hmac.compare_digest(expected, digest(secret))
    if not client or not valid or client["status"] != "active" or client["organization_status"] != "active":
        raise InvalidClient()
    requested = (scope or "").split() or list(client["scopes"])
    if not set(requested) <= set(client["scopes"]):
        raise OAuthError("invalid_scope", f"This client may ask only for: {' '.join(client['scopes'])}.")
    access_token = issuer.issue(f"client:{client['client_id']}", roles=("partner_client",), scopes=requested,
                                organization=str(client["organization_id"]))
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": issuer.lifetime,
            "scope": " ".join(requested)}


def register_first_party(cur, actor: Principal, client_id: str, *, name: str, redirect_uris: list[str],
                         post_logout_redirect_uris: list[str], scopes: list[str], confidential: bool,
                         secret: str | None = None) -> str | None:
    """Register (or re-register, keeping its secret) one of the platform's own apps; its new
    secret in clear — shown once — when a confidential client gets one, else None. `secret`: the
    one it is to have (a deployment's configured BIRLIKTE_WEB_CLIENT_SECRET), replacing any other."""
    cur.execute("SELECT secret_hash FROM first_party_clients WHERE client_id = %s FOR UPDATE", (client_id,))
    existing = cur.fetchone()
    if confidential and secret is None and (existing is None or existing["secret_hash"] is None):
        secret = secrets.token_urlsafe(32)
    secret_hash = digest(secret) if secret else (existing["secret_hash"] if existing and confidential else None)
    cur.execute("""INSERT INTO first_party_clients (client_id, name, secret_hash, redirect_uris,
                                                    post_logout_redirect_uris, scopes)
                   VALUES (%s, %s, %s, %s, %s, %s)
                   ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, secret_hash = excluded.secret_hash,
                       redirect_uris = excluded.redirect_uris, scopes = excluded.scopes,
                       post_logout_redirect_uris = excluded.post_logout_redirect_uris, updated_at = now()""",
                (client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, scopes))
    return secret
