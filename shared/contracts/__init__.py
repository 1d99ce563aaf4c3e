"""Message contracts: the payload schema of every message type, shared by producers and consumers.

A producer's payload is dumped through its contract (only the contract's fields travel) and
checked; a consumer loads what arrives through the same contract. A type without a contract can
be neither published nor subscribed to. A breaking change gets a new type name (e.g.
`registry.person.updated.v2`).
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError

_SCHEMAS: dict[str, Schema] = {}  # one instance per type: building a schema costs more than using it


class ContractError(ValueError):
    pass


def register(type: str, schema: type[Schema]) -> None:
    _SCHEMAS[type] = schema(unknown=EXCLUDE)  # newer producers may add fields; older consumers skip them


def known(type: str) -> bool:
    _load_known()
    return type in _SCHEMAS


def types() -> list[str]:
    _load_known()
    return sorted(_SCHEMAS)


def _schema(type: str) -> Schema:
    _load_known()
    schema = _SCHEMAS.get(type)
    if schema is None:
        raise ContractError(f"{type}: no contract for this message type (see shared/contracts/)")
    return schema


def dump(type: str, data: dict) -> dict:
    """The payload as it travels: the contract's fields of `data`, JSON-ready (UUIDs and times as
    strings); ContractError when a field breaks the contract or the type has none."""
    schema = _schema(type)
    dumped = schema.dump(data)
    errors = schema.validate(dumped)
    if errors:
        raise ContractError(f"{type}: {errors}")
    return dumped


def load(type: str, data) -> dict:
    """The payload as a consumer reads it (UUIDs, times and dates as Python values);
    ContractError when it breaks the contract."""
    schema = _schema(type)
    if not isinstance(data, dict):
        raise ContractError(f"{type}: the payload is not a JSON object")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ContractError(f"{type}: {exc.messages}") from None


def _load_known() -> None:
    from shared.contracts import archive, events, notifications, registry  # noqa: F401  (they register their types on import)
