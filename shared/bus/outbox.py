"""The transactional outbox: a message is written with the state change that causes it."""
from __future__ import annotations

import json

from shared import contracts
from shared.bus.envelope import make_envelope


def publish(conn, type: str, data: dict, *, source: str, subject: str | None = None) -> str:
    """Queue a message in the caller's transaction (the relay sends it after commit); `data` is
    dumped through the type's contract, so only the contract's fields travel."""
    data = contracts.dump(type, data)
    envelope = make_envelope(type, data, source=source, subject=subject)
    conn.execute("INSERT INTO outbox (message_id, routing_key, envelope) VALUES (%s, %s, %s)",
                 (envelope["id"], type, json.dumps(envelope, default=str)))
    return envelope["id"]
