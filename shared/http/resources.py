"""Steps every resource of every service answers the same way: an ETag, a 304, a Location, a page."""
from __future__ import annotations

import functools

from flask import Response, url_for
from marshmallow import Schema, fields

from shared.http.etag import etag, not_modified
from shared.http.pagination import link_header, page_response


def answer(row: dict, status: int = 200, location: str | None = None):
    headers = {"ETag": etag(row["version"])}
    if location:
        headers["Location"] = location
    return row, status, headers


def answer_read(row: dict):
    """200 with the row, or 304 when the caller's If-None-Match names its current version."""
    if not_modified(row["version"]):
        return Response(status=304, headers={"ETag": etag(row["version"])})
    return answer(row)


def created(row: dict, endpoint: str, **values):
    return answer(row, 201, url_for(endpoint, **values))


def paginate(found: list[dict], limit: int, order: list[str]):
    """The page body, with a Link: rel="next" header when there is a next page."""
    page = page_response(found, limit, lambda row: tuple(row[c] for c in order))
    return page, 200, link_header(page["next_cursor"])


@functools.cache
def page_of(item_schema):
    """The list envelope: items plus the cursor of the next page (null on the last). One class
    per item schema, so that the OpenAPI document names each page once."""
    return type(f"{item_schema.__name__}Page", (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "next_cursor": fields.String(allow_none=True),
    })
