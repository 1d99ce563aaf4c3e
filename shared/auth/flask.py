"""Who is calling, inside a Flask request: the bearer token, verified. (What the caller may do is
each service's own decision, in its access.py.)"""
from __future__ import annotations

import logging

from flask import current_app, g, request

from shared.auth.principal import Principal
from shared.auth.revocations import Revocations
from shared.auth.tokens import InvalidToken, KeysUnavailable, TokenVerifier
from shared.http.problems import abort_problem

log = logging.getLogger(__name__)


def verifier() -> TokenVerifier:
    """The app's verifier: the configured keys (or the ones the app holds itself, `verification_keys`),
    and the service's revocations."""
    state = current_app.extensions["birlikte"]
    if state.get("verifier") is None:
        revocations = Revocations(state["pool"], state["settings"].token_lifetime_seconds)
        state["verifier"] = TokenVerifier(state["settings"], keys=state.get("verification_keys"),
                                          revoked=revocations.reason)
    return state["verifier"]


def _unauthorized(detail: str, error: str | None = None):
    challenge = 'Bearer realm="birlikte"' + (f', error="{error}"' if error else "")
    abort_problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": challenge})


def optional_principal() -> Principal | None:
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    if not header:
        g.principal = None
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _unauthorized("Send a bearer token: Authorization: Bearer <token>.", "invalid_request")
    try:
        g.principal = verifier().verify(token.strip())
    except InvalidToken as exc:
        _unauthorized(f"The bearer token was refused: {exc}.", "invalid_token")
    except KeysUnavailable:
        # our outage, not a bad token: a 401 would make the client throw a good token away
        log.warning("the JWKS cannot be fetched", exc_info=True)
        abort_problem(503, "Cannot check tokens", "The keys bearer tokens are checked with cannot be fetched "
                      "right now; retry shortly.", headers={"Retry-After": "5"})
    return g.principal


def current_principal() -> Principal:
    principal = optional_principal()
    if principal is None:
        _unauthorized("This endpoint needs a bearer token.")
    return principal
