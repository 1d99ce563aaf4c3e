"""Keyset (cursor) pagination: a page costs the same on the millionth row as on the first.

A cursor is the sort key of the last row of a page, opaque to clients (base64url JSON). Clients
can still edit one: a cursor that does not decode is a BadRequest naming the `cursor` field (and
one whose values the database then cannot use is answered the same way, by shared/http/app.py).
"""
from __future__ import annotations

import base64
import binascii
import json

from marshmallow import Schema, fields, validate

from shared.errors import BadRequest

_SCALARS = (str, int, float, bool, type(None))


class PageArgsSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=1000), metadata={"description": "next_cursor of the previous page"})


def invalid_cursor() -> BadRequest:
    return BadRequest("Invalid cursor", "Use the next_cursor of a previous page as it was given.",
                      errors={"cursor": ["Not a cursor this service gave out."]})


def encode_cursor(values: tuple) -> str:
    raw = json.dumps([v if isinstance(v, (int, float, bool)) or v is None else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple:
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(values, list) or not values or not all(isinstance(v, _SCALARS) for v in values):
            raise ValueError("not a list of sort key values")
        return tuple(values)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_cursor() from None
