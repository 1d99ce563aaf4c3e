"""Message contracts: the payload schema of every message type, shared by producers and consumers.

A payload that breaks its contract is refused where it is written, never discovered downstream.
A breaking change gets a new type name (e.g. `registry.person.updated.v2`).
"""
from __future__ import annotations

from marshmallow import Schema

_SCHEMAS: dict[str, Schema] = {}  # one instance per type: building a schema costs more than using it


class ContractError(ValueError):
    pass


def register(type: str, schema: type[Schema]) -> None:
    _SCHEMAS[type] = schema()


def validate(type: str, data: dict) -> dict:
    """The payload as JSON-ready data; unknown types pass through unchanged."""
    _load_known()
    schema = _SCHEMAS.get(type)
    if schema is None:
        return data
    dumped = schema.dump(data)  # JSON-ready: UUIDs and datetimes as strings
    errors = schema.validate(dumped)
    if errors:
        raise ContractError(f"{type}: {errors}")
    return dumped


def _load_known() -> None:
    from shared.contracts import archive, events, registry  # noqa: F401  (they register their types on import)
