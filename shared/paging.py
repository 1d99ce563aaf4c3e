"""Keyset (cursor) pagination: a page costs the same on the millionth row as on the first.

A cursor is the sort key of the last row of a page, opaque to clients (base64url JSON). Clients
can still edit one: a cursor that does not decode is a BadRequest naming the `cursor` field. A
listing that names the types of its sort key (`shape`) gets them, each checked; one that does
not gets text and integers only (its key's timestamps, ids, names and counters, as encoded), and
a value the database then cannot use is answered the same way, by shared/http/app.py. Never a
null (a keyset comparison with NULL matches nothing: a silently empty page), a boolean, or a
number that is not finite.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from datetime import date, datetime

from marshmallow import Schema, fields, validate

from shared.errors import BadRequest



class PageArgsSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=1000), metadata={"description": "next_cursor of the previous page"})


def invalid_cursor() -> BadRequest:
    return BadRequest("Invalid cursor", "Use the next_cursor of a previous page as it was given.",
                      errors={"cursor": ["Not a cursor this service gave out."]})


def encode_cursor(values: tuple) -> str:
    raw = json.dumps([v if isinstance(v, (int, float, bool)) or v is None else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, shape: tuple[type, ...] | None = None) -> tuple:
    """The cursor's values; with `shape` (the listing's sort key, e.g. `(datetime, uuid.UUID)`),
    exactly that many, each read as its type, so that no edited value reaches the database."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), parse_constant=_no_constant)
        if not isinstance(values, list) or not values:
            raise ValueError("not a list of sort key values")
        if shape is not None and len(values) != len(shape):
            raise ValueError("not this listing's sort key")
        return tuple(_read(kind, value) for kind, value in zip(shape or [None] * len(values), values))
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise invalid_cursor() from None


def _no_constant(name: str):
    raise ValueError(f"{name} is no sort key value")


def _read(kind: type | None, value):
    """One sort key value as `kind` (None: text or an integer, as given); TypeError or ValueError
    when it is not one."""
    if kind is None:
        return _read(int if isinstance(value, int) else str, value)
    if kind in (int, float):
        numbers = (int, float) if kind is float else int
        if isinstance(value, bool) or not isinstance(value, numbers) or not math.isfinite(value):
            raise TypeError(f"not a {kind.__name__}")
        return kind(value)
    if not isinstance(value, str):
        raise TypeError("not text")
    if kind is datetime:
        read = datetime.fromisoformat(value)
        if read.tzinfo is None:
            raise ValueError("an instant without its offset")
        return read
    if kind is date:
        return date.fromisoformat(value)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is str:
        return value
    raise TypeError(f"no sort key of type {kind.__name__}")
