"""Steps every resource of every service takes the same way: load or 404, answer with an ETag, 409s."""
from __future__ import annotations

import functools
from contextlib import contextmanager
from datetime import datetime, timezone

import psycopg
from flask import Response, url_for
from marshmallow import Schema, fields

from shared import rows
from shared.http.etag import etag, not_modified, require_if_match
from shared.http.pagination import link_header, page_response
from shared.http.problems import abort_problem


def load(cur, table: str, row_id, what: str, *, for_update: bool = False) -> dict:
    row = rows.get(cur, table, row_id, for_update=for_update)
    if row is None:
        abort_problem(404, f"{what.capitalize()} not found", f"No {what} has the id {row_id}.")
    return row


def load_for_change(cur, table: str, row_id, what: str) -> dict:
    """Lock the row and check the caller's If-Match against its version (428/412 otherwise)."""
    row = load(cur, table, row_id, what, for_update=True)
    require_if_match(row["version"])
    return row


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


@contextmanager
def conflicts(detail: str, **extra):
    """A unique index refusing a duplicate becomes a 409 that says what already exists."""
    try:
        yield
    except psycopg.errors.UniqueViolation:
        abort_problem(409, "Already exists", detail, **extra)


def require_active(row: dict, what: str) -> None:
    if row["status"] != "active":
        abort_problem(409, f"{what.capitalize()} is not active",
                      f"The {what} {row['id']} is {row['status']}; it cannot take part in this.")


def paginate(found: list[dict], limit: int, order: list[str]):
    """The page body, with a Link: rel="next" header when there is a next page."""
    page = page_response(found, limit, lambda row: tuple(row[c] for c in order))
    return page, 200, link_header(page["next_cursor"])


def changed(current: dict, changes: dict) -> dict:
    """Only the fields whose value really changes: an empty PATCH is no new version."""
    return {k: v for k, v in changes.items() if current.get(k) != v}


def now() -> datetime:
    return datetime.now(timezone.utc)


@functools.cache
def page_of(item_schema):
    """The list envelope: items plus the cursor of the next page (null on the last). One class
    per item schema, so that the OpenAPI document names each page once."""
    return type(f"{item_schema.__name__}Page", (Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "next_cursor": fields.String(allow_none=True),
    })
