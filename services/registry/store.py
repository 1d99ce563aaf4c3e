"""The registry's writes that are not a use case of their own: what every registry record goes
through — registered, changed, closed (deactivated, ended, revoked) — each with its message. The
operations add their rules around these. A record that the other services must not know of yet (an
invitation, until it is accepted) is written with `announce=False`: no message."""
from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from shared import rows
from shared.versions import Precondition
from services.registry.messages import emit

TABLES = {"organization": "organizations", "person": "people", "membership": "memberships",
          "partnership": "partnerships", "client": "api_clients"}
CLOSED = {"inactive": ("deactivated_at", "deactivated"), "ended": ("ended_at", "ended"),
          "revoked": ("revoked_at", "revoked"), "withdrawn": ("ended_at", "withdrawn")}


def register(cur, entity: str, values: dict, duplicate: AbstractContextManager | None = None, *,
             announce: bool = True) -> dict:
    with duplicate or nullcontext():
        row = rows.insert(cur, TABLES[entity], values)
    if announce:
        emit(cur, entity, "created", row)
    return row


def change(cur, entity: str, row_id, changes: dict, precondition: Precondition,
           duplicate=lambda merged: nullcontext()) -> dict:
    """Only what really changes makes a new version (and a message); `duplicate(merged)` guards a
    unique key the change may collide on."""
    current = rows.load_for_change(cur, TABLES[entity], row_id, entity, precondition)
    changes = rows.changed(current, changes)
    if not changes:
        return current
    with duplicate({**current, **changes}):
        row = rows.update(cur, TABLES[entity], row_id, changes)
    emit(cur, entity, "updated", row)
    return row


def close(cur, entity: str, row_id, status: str, precondition: Precondition, *, announce: bool = True) -> dict:
    """Deactivate, end or revoke: nothing is deleted, and closing twice changes nothing."""
    current = rows.load_for_change(cur, TABLES[entity], row_id, entity, precondition)
    if current["status"] == status:
        return current
    at_column, action = CLOSED[status]
    row = rows.update(cur, TABLES[entity], row_id, {"status": status, at_column: rows.now()})
    if announce:
        emit(cur, entity, action, row)
    return row
