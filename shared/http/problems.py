"""RFC 9457 problem details: every error any service returns has this shape."""
from __future__ import annotations

import json

from flask import Response, request
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"


class Problem(HTTPException):
    """An error answer; raise it anywhere in a request (see abort_problem)."""

    def __init__(self, status: int, title: str, detail: str | None = None, *, type: str | None = None,
                 headers: dict | None = None, **extra):
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.detail = detail
        self.type = type or "about:blank"
        self.extra = extra
        self.extra_headers = headers or {}

    def get_response(self, environ=None, scope=None) -> Response:
        return problem_response(self.code, self.title, self.detail, type=self.type,
                                headers=self.extra_headers, **self.extra)


def abort_problem(status: int, title: str, detail: str | None = None, *, type: str | None = None,
                  headers: dict | None = None, **extra):
    raise Problem(status, title, detail, type=type, headers=headers, **extra)


def problem_response(status: int, title: str, detail: str | None = None, *, type: str = "about:blank",
                     headers: dict | None = None, **extra) -> Response:
    body = {"type": type, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    try:
        body["instance"] = request.path
    except RuntimeError:  # outside a request
        pass
    body.update(extra)
    return Response(json.dumps(body, default=str), status=status, mimetype=MEDIA_TYPE, headers=headers or {})
