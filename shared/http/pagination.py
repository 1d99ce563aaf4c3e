"""Pagination in HTTP: a list's cursor argument, its page body and its `Link: rel="next"` header
(the cursor itself: shared/paging.py)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import g, has_request_context, request

from shared import paging
from shared.http import current
from shared.http.errors import answer


def decode_cursor(token: str, shape: tuple[type, ...] | None = None) -> tuple:
    """The cursor's values, read as `shape` when the listing gives it (shared/paging.py); without
    it, from here on a value the view or the database cannot use is the client's edit, answered
    400 (shared/http/app.py), not a crash of ours."""
    if has_request_context():
        g.client_cursor = True
    return paging.decode_cursor(token, shape)


def cursor_of(args: dict, shape: tuple[type, ...] | None = None) -> tuple | None:
    """The position a list's `cursor` argument names, or None for the first page; `shape`: the
    types of the listing's sort key, e.g. `(datetime, uuid.UUID)`."""
    return decode_cursor(args["cursor"], shape) if args.get("cursor") else None


def invalid_cursor_response():
    """The answer to a cursor that decoded but whose values could not be used."""
    return answer(paging.invalid_cursor())


def page_response(rows: list, limit: int, key) -> dict:
    """Turn limit + 1 fetched rows into a page; the extra row only says there is a next page."""
    items = rows[:limit]
    next_cursor = paging.encode_cursor(key(items[-1])) if len(rows) > limit and items else None
    return {"items": items, "next_cursor": next_cursor}


def link_header(next_cursor: str | None) -> dict:
    if not next_cursor:
        return {}
    args = request.args.to_dict()
    args["cursor"] = next_cursor
    return {"Link": f'<{current.public_url(request.path)}?{urlencode(args)}>; rel="next"'}
