"""Issuing and verifying JWT bearer tokens.

The issuer signs with a `SigningKey` (the registry's current key from its key store; by default
BIRLIKTE_JWT_PRIVATE_KEY). Verifiers check the signature against BIRLIKTE_JWT_PUBLIC_KEY, against
an OIDC provider's JWKS (BIRLIKTE_JWKS_URL, keys fetched and cached — this is how key rotation
reaches them), or against keys handed in (the registry verifies with its own key store); and then
ask the service's revocations (shared/auth/revocations.py) whether the token still stands.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import jwt
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from shared.auth.principal import Principal
from shared.config import Settings

LEEWAY_SECONDS = 30
VERIFIED_CACHE_SIZE = 4096
JWKS_CACHE_SECONDS = 300  # how long a verifier keeps a JWKS: a new key is published this long before it signs


class InvalidToken(Exception):
    """The token is missing, malformed, expired, revoked, or not ours."""


class KeysUnavailable(Exception):
    """The JWKS the token would be checked against cannot be fetched: no verdict on the token."""


def key_id(public_key) -> str:
    """The RFC 7638 thumbprint of an RSA public key."""
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return jwt.utils.base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()


def public_jwk(public_key, kid: str) -> dict:
    return {**json.loads(RSAAlgorithm.to_jwk(public_key)), "kid": kid, "use": "sig", "alg": "RS256"}


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: object  # cryptography's RSA private key

    @classmethod
    def from_pem(cls, pem: str) -> "SigningKey":
        private = serialization.load_pem_private_key(pem.encode(), password=None)
        return cls(key_id(private.public_key()), private)


class TokenIssuer:
    def __init__(self, settings: Settings, key: Callable[[], SigningKey] | None = None):
        if key is None:
            if not settings.jwt_private_key:
                raise ValueError("BIRLIKTE_JWT_PRIVATE_KEY is needed to issue tokens")
            fixed = SigningKey.from_pem(settings.jwt_private_key)
            key = lambda: fixed  # noqa: E731
        self.settings, self._key = settings, key
        self.lifetime = settings.token_lifetime_seconds

    @property
    def kid(self) -> str:
        return self._key().kid

    def issue(self, subject: str, *, roles=(), admin_of=(), member_of=(), scopes=(), organization=None,
              lifetime: int | None = None, **extra) -> str:
        """An access token; `extra` claims (`sid`, `azp`, …) ride along."""
        now = int(time.time())
        claims = {"iss": self.settings.issuer, "aud": self.settings.jwt_audience, "sub": subject,
                  "iat": now, "exp": now + (lifetime or self.lifetime), "jti": uuid.uuid4().hex,
                  "roles": list(roles), "admin_of": list(admin_of), "member_of": list(member_of),
                  "scope": " ".join(scopes), **extra}
        if organization:
            claims["org"] = organization
        return self.sign(claims)

    def sign(self, claims: dict) -> str:
        key = self._key()
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})

    def jwks(self) -> dict:
        key = self._key()
        return {"keys": [public_jwk(key.private_key.public_key(), key.kid)]}


def _other_jwks(settings: Settings, *, holding_keys: bool) -> list[str]:
    """The JWKS URLs to ask for keys. A verifier that holds keys itself (the registry) asks only
    those of other providers, never its own address: a token it cannot place is refused there and
    then, without a request to itself."""
    urls = (settings.jwks_url or "").split()
    if holding_keys:
        own = settings.registry_url.rstrip("/") + "/"
        urls = [url for url in urls if not url.startswith(own)]
    return urls


class TokenVerifier:
    """`keys`: kid → public key, for a verifier that has them at hand (the registry's own store);
    otherwise the JWKS URL or the public key of the configuration. `revoked(claims)`: a reason when
    a token that verified no longer stands."""

    def __init__(self, settings: Settings, *, keys: Callable[[], dict] | None = None,
                 revoked: Callable[[dict], str | None] | None = None):
        self.settings, self._keys, self._revoked = settings, keys, revoked
        self._jwks = [jwt.PyJWKClient(url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS)
                      for url in _other_jwks(settings, holding_keys=keys is not None)]
        self._public = (serialization.load_pem_public_key(settings.jwt_public_key.encode())
                        if settings.jwt_public_key else None)
        if self._keys is None and not self._jwks and self._public is None:
            raise ValueError("set BIRLIKTE_JWT_PUBLIC_KEY or BIRLIKTE_JWKS_URL to verify tokens")
        # A client sends the same token on every request: its verified claims are kept until it
        # expires, so the signature is checked once, not on every call (revocation is asked each time).
        self._verified: OrderedDict[str, tuple[dict, float]] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str) -> Principal:
        claims = self._claims(token)
        reason = self._revoked(claims) if self._revoked else None
        if reason:
            raise InvalidToken(f"the token was revoked ({reason})")
        return Principal.from_claims(claims)

    def _claims(self, token: str) -> dict:
        with self._lock:
            known = self._verified.get(token)
            if known is not None and known[1] + LEEWAY_SECONDS > time.time():
                self._verified.move_to_end(token)
                return known[0]
        claims = self._decode(token)
        with self._lock:
            self._verified[token] = (claims, float(claims["exp"]))
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return claims

    def _key_for(self, token: str):
        kid = jwt.get_unverified_header(token).get("kid")
        if self._keys is not None and (key := self._keys().get(kid)) is not None:
            return key
        unreachable = None
        for jwks in self._jwks:  # the first that holds the token's key
            try:
                return jwks.get_signing_key(kid).key
            except jwt.PyJWKClientConnectionError as exc:
                unreachable = exc
            except jwt.PyJWKClientError:
                continue
        if unreachable is not None:
            raise KeysUnavailable(str(unreachable))
        if self._keys is not None or self._jwks:
            raise InvalidToken(f"no key {kid!r} signs tokens here")
        return self._public

    def _decode(self, token: str) -> dict:
        try:
            return jwt.decode(
                token, self._key_for(token), algorithms=list(self.settings.jwt_algorithms),
                audience=self.settings.jwt_audience, issuer=self.settings.issuer, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable(str(exc)) from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise InvalidToken(str(exc)) from exc
