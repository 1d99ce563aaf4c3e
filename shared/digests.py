"""The one way a high-entropy secret (a client secret, a session's, a token, a link) is kept: its
SHA-256. 256 random bits cannot be brute-forced from a fast hash, so no salt is needed; short
secrets (sign-in codes) are keyed instead (services/registry/operations/sign_in.py)."""
from __future__ import annotations

import hashlib


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
