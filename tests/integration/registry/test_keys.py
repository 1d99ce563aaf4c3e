"""Signing keys rotate without downtime: a new key is published before it signs, the old one stays
published until its last token has expired, and a token of a key taken out is refused. Private keys
are kept encrypted; the key-encryption key is needed to start at all."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from shared.auth.tokens import JWKS_CACHE_SECONDS, TokenIssuer, TokenVerifier, InvalidToken
from shared.config import ConfigError
from shared.errors import Conflict
from services.registry import keys


@pytest.fixture
def store(settings, registry_pool):
    """The registry's key store as it is, given back as found."""
    with registry_pool.connection() as conn:
        saved = conn.execute("SELECT * FROM signing_keys").fetchall()
    yield registry_pool
    with registry_pool.connection() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM signing_keys")
        for row in saved:
            cur.execute("INSERT INTO signing_keys (kid, public_jwk, private_key, state, created_at, activated_at, "
                        "retired_at, expires_at) VALUES (%(kid)s, %(public_jwk)s, %(private_key)s, %(state)s, "
                        "%(created_at)s, %(activated_at)s, %(retired_at)s, %(expires_at)s)",
                        {**row, "public_jwk": psycopg.types.json.Jsonb(row["public_jwk"])})


def _ring(settings, pool):
    return keys.KeyRing(settings, lambda: pool)


def _rotate(pool, settings, now):
    with pool.connection() as conn, conn.cursor() as cur:
        return keys.rotate(cur, settings, now=now)


def _verifier(settings, ring):
    return TokenVerifier(settings, keys=ring.public)


def test_a_rotation_publishes_first_signs_later_and_keeps_the_old_key_until_its_tokens_expire(settings, store):
    start = datetime.now(timezone.utc)
    before = _ring(settings, store)
    old = TokenIssuer(settings, key=before.signing).issue("someone", roles=("member",))
    steps = _rotate(store, settings, start)
    assert steps[-1].startswith("published next key")
    published = _ring(settings, store)
    assert published.signing().kid == before.signing().kid  # the new key does not sign yet
    assert len(published.jwks()["keys"]) == 2                # but verifiers can already fetch it
    with pytest.raises(Conflict, match="Rotate again in"):
        _rotate(store, settings, start + timedelta(seconds=JWKS_CACHE_SECONDS - 10))

    _rotate(store, settings, start + timedelta(seconds=JWKS_CACHE_SECONDS + 1))
    after = _ring(settings, store)
    assert after.signing().kid != before.signing().kid
    new = TokenIssuer(settings, key=after.signing).issue("someone", roles=("member",))
    verifier = _verifier(settings, after)
    assert verifier.verify(old).subject == verifier.verify(new).subject == "someone"  # both stand
    assert len(after.jwks()["keys"]) == 3  # retired, active, next

    # once the retired key's last token has expired it leaves the JWKS, and its tokens are refused
    _rotate(store, settings, start + timedelta(days=1))
    gone = _ring(settings, store)
    assert before.signing().kid not in {k["kid"] for k in gone.jwks()["keys"]}
    with pytest.raises(InvalidToken, match="no key"):
        _verifier(settings, gone).verify(old)
    assert _verifier(settings, gone).verify(new).subject == "someone"


def test_private_keys_are_stored_encrypted_and_need_the_key_encryption_key(settings, store):
    _ring(settings, store).signing()
    with store.connection() as conn:
        stored = conn.execute("SELECT private_key FROM signing_keys WHERE state = 'active'").fetchone()["private_key"]
    assert b"PRIVATE KEY" not in bytes(stored)
    with pytest.raises(ConfigError, match="KEY_ENCRYPTION_KEY"):
        keys.KeyRing(settings.replace(key_encryption_key=None), lambda: store)
    other = settings.replace(key_encryption_key=keys.new_encryption_key())
    with pytest.raises(ConfigError, match="does not decrypt"):
        _ring(other, store).signing()
