"""What a request may bring: JSON that parses without exhausting the stack and carries no NUL
character (PostgreSQL text cannot hold one), query arguments without NUL either. Refused as 400 or
422 problems before any view or schema sees them. A query argument its schema does not name is
refused too (422 naming it): `/people?email=…` would otherwise answer everyone, as if it filtered."""
from __future__ import annotations

import json

import marshmallow
from flask import request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from shared.http.problems import problem_response

MAX_DEPTH = 64  # far deeper than any document of the APIs; shallow enough for the stack


class BodyError(ValueError):
    """A body that is JSON in form but not one this platform takes."""


def loads(data: bytes | str):
    """json.loads with the platform's limits: nesting, and no NUL in any string or key."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise BodyError("The JSON is nested too deep.") from None
    _check(value, 0)
    return value


def _check(value, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BodyError(f"The JSON is nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, str):
        if "\x00" in value:
            raise BodyError("Text may not contain the NUL character (\\u0000).")
    elif isinstance(value, dict):
        for key, inner in value.items():
            _check(key, depth + 1)
            _check(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _check(inner, depth + 1)


class Parser(FlaskParser):
    """webargs' parser for every service's schemas: JSON bodies read through `loads`, unknown query
    arguments refused (webargs would drop them)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": marshmallow.RAISE,
                                   "querystring": marshmallow.RAISE}

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        try:
            return loads(req.get_data(cache=True))
        except BodyError as exc:
            raise _Refused(problem_response(422, "Unprocessable body", str(exc))) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return self._handle_invalid_json_error(exc, req)


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


def install(app) -> None:
    """Refuse NUL in query arguments before routing, and answer a refused body."""

    @app.before_request
    def no_nul_in_arguments():
        for key, value in request.args.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return problem_response(422, "Unprocessable query", "Query arguments may not contain the NUL "
                                        "character.", errors={key.replace("\x00", ""): ["Contains NUL."]})
        return None

    app.register_error_handler(_Refused, lambda refused: refused.response)
