"""The registry's signing keys: encrypted at rest, published before they sign, kept until the last
token they signed has expired.

States: `next` (in the JWKS, not signing yet), `active` (signs), `retired` (in the JWKS until
`expires_at`). `rotate` moves them on, one step at a time, so that no verifier ever meets a
token signed by a key it has not had time to fetch: a key becomes active only after it has been
published for longer than verifiers cache a JWKS. Private keys are stored as Fernet tokens under
BIRLIKTE_KEY_ENCRYPTION_KEY; a key given as BIRLIKTE_JWT_PRIVATE_KEY is taken in as the first one.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from psycopg.types.json import Jsonb

from shared.auth.tokens import JWKS_CACHE_SECONDS, LEEWAY_SECONDS, SigningKey, key_id, public_jwk
from shared.config import ConfigError, Settings
from shared.errors import Conflict

RING_SECONDS = 10.0  # how long a process keeps the keys it read (a rotation reaches it this fast)


def _fernet(settings: Settings) -> Fernet:
    if not settings.key_encryption_key:
        raise ConfigError(["BIRLIKTE_KEY_ENCRYPTION_KEY: required by the registry to keep its signing keys "
                           "(make one with `birlikte keys new-kek`)"])
    try:
        return Fernet(settings.key_encryption_key.encode())
    except ValueError as exc:
        raise ConfigError([f"BIRLIKTE_KEY_ENCRYPTION_KEY: not a Fernet key ({exc})"]) from None


def new_encryption_key() -> str:
    return Fernet.generate_key().decode()


def _pem(private_key) -> bytes:
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


def _insert(cur, settings: Settings, private_key, state: str) -> str:
    kid = key_id(private_key.public_key())
    cur.execute("""INSERT INTO signing_keys (kid, public_jwk, private_key, state, activated_at)
                   VALUES (%s, %s, %s, %s, CASE WHEN %s = 'active' THEN now() END)""",
                (kid, Jsonb(public_jwk(private_key.public_key(), kid)), _fernet(settings).encrypt(_pem(private_key)),
                 state, state))
    return kid


def _generate():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ensure(cur, settings: Settings) -> None:
    """An active key exists (the configured one, or a new one); safe when processes race."""
    cur.execute("SELECT pg_advisory_xact_lock(hashtext('registry.signing_keys'))")
    cur.execute("SELECT 1 FROM signing_keys WHERE state = 'active'")
    if cur.fetchone() is None:
        configured = settings.jwt_private_key
        private = serialization.load_pem_private_key(configured.encode(), None) if configured else _generate()
        _insert(cur, settings, private, "active")


def signing_key(cur, settings: Settings) -> SigningKey:
    cur.execute("SELECT kid, private_key FROM signing_keys WHERE state = 'active'")
    row = cur.fetchone()
    try:
        pem = _fernet(settings).decrypt(bytes(row["private_key"]))
    except InvalidToken:
        raise ConfigError(["BIRLIKTE_KEY_ENCRYPTION_KEY: it does not decrypt the stored signing key"]) from None
    return SigningKey(row["kid"], serialization.load_pem_private_key(pem, password=None))


def published(cur) -> list[dict]:
    """The public keys a verifier needs: the next one, the active one, the retired ones still in use."""
    cur.execute("""SELECT public_jwk FROM signing_keys WHERE state <> 'retired' OR expires_at > now()
                   ORDER BY created_at""")
    return [row["public_jwk"] for row in cur.fetchall()]


def listing(cur) -> list[dict]:
    cur.execute("""SELECT kid, state, COALESCE(activated_at, created_at) AS since, expires_at FROM signing_keys
                   ORDER BY created_at""")
    return cur.fetchall()


def rotate(cur, settings: Settings, *, now: datetime | None = None) -> list[str]:
    """One step of the rotation; what was done, in words. A next key is published first; on the
    following rotation (once verifiers have had time to fetch it) it becomes the active key, the
    active one is retired until its last token expires, and a new next key is published."""
    now = now or datetime.now(timezone.utc)
    ensure(cur, settings)
    cur.execute("DELETE FROM signing_keys WHERE state = 'retired' AND expires_at <= %s RETURNING kid", (now,))
    done = [f"removed retired key {row['kid']}" for row in cur.fetchall()]
    cur.execute("SELECT kid, created_at FROM signing_keys WHERE state = 'next'")
    upcoming = cur.fetchone()
    if upcoming is None:
        kid = _insert(cur, settings, _generate(), "next")
        return [*done, f"published next key {kid}; it signs from the next rotation, at least "
                       f"{JWKS_CACHE_SECONDS} s from now"]
    waited = (now - upcoming["created_at"]).total_seconds()
    if waited < JWKS_CACHE_SECONDS:
        raise Conflict("Too early to rotate", f"The next key {upcoming['kid']} was published {waited:.0f} s ago; "
                       f"verifiers keep a JWKS for {JWKS_CACHE_SECONDS} s. Rotate again in "
                       f"{JWKS_CACHE_SECONDS - waited:.0f} s.")
    keep = timedelta(seconds=settings.token_lifetime_seconds + LEEWAY_SECONDS + 60)
    cur.execute("""UPDATE signing_keys SET state = 'retired', retired_at = %s, expires_at = %s
                   WHERE state = 'active' RETURNING kid""", (now, now + keep))
    retired = cur.fetchone()["kid"]
    cur.execute("UPDATE signing_keys SET state = 'active', activated_at = %s WHERE state = 'next'", (now,))
    kid = _insert(cur, settings, _generate(), "next")
    return [*done, f"{upcoming['kid']} signs now", f"{retired} retired, published until {now + keep:%Y-%m-%d %H:%M} UTC",
            f"published next key {kid}"]


class KeyRing:
    """A process's view of the keys, read at most every RING_SECONDS: the key it signs with, and
    kid → public key for the registry's own verifier."""

    def __init__(self, settings: Settings, pool):
        _fernet(settings)  # the key-encryption key is there and well-formed, or nothing starts
        self.settings, self._pool = settings, pool
        self._signing: SigningKey | None = None
        self._public: dict = {}
        self._read_at = 0.0
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        with self._lock:
            if self._signing is not None and time.monotonic() - self._read_at < RING_SECONDS:
                return
            with self._pool().connection() as conn, conn.cursor() as cur:
                ensure(cur, self.settings)
                self._signing = signing_key(cur, self.settings)
                self._public = {jwk["kid"]: RSAAlgorithm.from_jwk(jwk) for jwk in published(cur)}
            self._read_at = time.monotonic()

    def signing(self) -> SigningKey:
        self._refresh()
        return self._signing

    def public(self) -> dict:
        self._refresh()
        return self._public

    def jwks(self) -> dict:
        with self._pool().connection() as conn, conn.cursor() as cur:
            ensure(cur, self.settings)
            return {"keys": published(cur)}

