"""Keyset (cursor) pagination: a page costs the same on the millionth row as on the first.

A cursor is the sort key of the last row of a page, opaque to clients (base64url JSON). Clients
can still edit one: a cursor that does not decode, or whose values the view or the database then
cannot use (see shared.http.app), is a 400 naming the `cursor` field.
"""
from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import urlencode

from flask import g, has_request_context, request
from marshmallow import Schema, fields, validate

from shared.http.problems import abort_problem, problem_response

_INVALID = ("Invalid cursor", "Use the next_cursor of a previous page as it was given.")
_SCALARS = (str, int, float, bool, type(None))


class PageArgsSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=1000), metadata={"description": "next_cursor of the previous page"})


def encode_cursor(values: tuple) -> str:
    raw = json.dumps([v if isinstance(v, (int, float, bool)) or v is None else str(v) for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple:
    if has_request_context():
        g.client_cursor = True  # values from here on came from the client
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(values, list) or not values or not all(isinstance(v, _SCALARS) for v in values):
            raise ValueError("not a list of sort key values")
        return tuple(values)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        abort_problem(400, *_INVALID, errors={"cursor": ["Not a cursor this service gave out."]})


def invalid_cursor_response():
    """The answer to a cursor that decoded but whose values could not be used."""
    return problem_response(400, *_INVALID, errors={"cursor": ["Not a cursor this service gave out."]})


def page_response(rows: list, limit: int, key) -> dict:
    """Turn limit + 1 fetched rows into a page; the extra row only says there is a next page."""
    items = rows[:limit]
    next_cursor = encode_cursor(key(items[-1])) if len(rows) > limit and items else None
    return {"items": items, "next_cursor": next_cursor}


def link_header(next_cursor: str | None) -> dict:
    if not next_cursor:
        return {}
    args = request.args.to_dict()
    args["cursor"] = next_cursor
    return {"Link": f'<{request.base_url}?{urlencode(args)}>; rel="next"'}


def cursor_of(args: dict) -> tuple | None:
    """The position a list's `cursor` argument names, or None for the first page."""
    return decode_cursor(args["cursor"]) if args.get("cursor") else None
