"""The registry's writes that are not a use case of their own."""
from __future__ import annotations

import hashlib

from shared import rows


def close(cur, table: str, row_id, status: str, at_column: str) -> dict:
    """Deactivate, end or revoke a row: its status and when, a new version; nothing is deleted."""
    return rows.update(cur, table, row_id, {"status": status, at_column: rows.now()})


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash cannot be brute-forced; no salt needed.
    return hashlib.sha256(secret.encode()).hexdigest()
