"""Issuing and verifying JWT bearer tokens.

The built-in issuer signs with BIRLIKTE_JWT_PRIVATE_KEY; verifiers use BIRLIKTE_JWT_PUBLIC_KEY or,
to hand identity to an external OIDC provider, BIRLIKTE_JWKS_URL (keys fetched and cached).
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import OrderedDict

import jwt
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from shared.auth.principal import Principal
from shared.config import Settings

LEEWAY_SECONDS = 30
VERIFIED_CACHE_SIZE = 4096


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or not ours."""


class KeysUnavailable(Exception):
    """The JWKS the token would be checked against cannot be fetched: no verdict on the token."""


def _key_id(public_key) -> str:
    """The RFC 7638 thumbprint of the public key."""
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return jwt.utils.base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()


class TokenIssuer:
    def __init__(self, settings: Settings):
        if not settings.jwt_private_key:
            raise ValueError("BIRLIKTE_JWT_PRIVATE_KEY is needed to issue tokens")
        self.settings = settings
        self.lifetime = settings.token_lifetime_seconds
        self._private = serialization.load_pem_private_key(settings.jwt_private_key.encode(), password=None)
        self.kid = _key_id(self._private.public_key())

    def issue(self, subject: str, *, roles=(), admin_of=(), member_of=(), scopes=(), organization=None,
              lifetime: int | None = None) -> str:
        now = int(time.time())
        claims = {"iss": self.settings.jwt_issuer, "aud": self.settings.jwt_audience, "sub": subject,
                  "iat": now, "exp": now + (lifetime or self.lifetime), "jti": uuid.uuid4().hex,
                  "roles": list(roles), "admin_of": list(admin_of), "member_of": list(member_of),
                  "scope": " ".join(scopes)}
        if organization:
            claims["org"] = organization
        return jwt.encode(claims, self._private, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._private.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}


class TokenVerifier:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._jwks = jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300) if settings.jwks_url else None
        self._public = (serialization.load_pem_public_key(settings.jwt_public_key.encode())
                        if settings.jwt_public_key else None)
        if self._jwks is None and self._public is None:
            raise ValueError("set BIRLIKTE_JWT_PUBLIC_KEY or BIRLIKTE_JWKS_URL to verify tokens")
        # A client sends the same token on every request: its verified claims are kept until it
        # expires, so the signature is checked once, not on every call.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str) -> Principal:
        with self._lock:
            known = self._verified.get(token)
            if known is not None and known[1] + LEEWAY_SECONDS > time.time():
                self._verified.move_to_end(token)
                return known[0]
        principal, expires = self._verify(token)
        with self._lock:
            self._verified[token] = (principal, expires)
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._public
            claims = jwt.decode(
                token, key, algorithms=list(self.settings.jwt_algorithms), audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable(str(exc)) from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise InvalidToken(str(exc)) from exc
        return Principal.from_claims(claims), float(claims["exp"])
