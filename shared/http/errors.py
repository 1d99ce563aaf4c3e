"""The one translator from domain errors (shared/errors.py) to problem+json answers."""
from __future__ import annotations

from flask import Flask

from shared import errors
from shared.http.problems import problem_response
from shared.versions import etag

STATUS = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.TooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.Invalid: 422,
    errors.PreconditionRequired: 428,
    errors.TooManyRequests: 429,
    errors.Unavailable: 503,
}


def status_of(error: errors.DomainError) -> int:
    """The status of the nearest kind the error is (a service's own errors subclass these)."""
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def answer(error: errors.DomainError):
    extra, headers = dict(error.extra), {}
    if error.errors:
        extra["errors"] = error.errors
    if isinstance(error, errors.PreconditionFailed):
        extra.setdefault("current_etag", etag(error.current_version))
        headers["ETag"] = etag(error.current_version)
    if isinstance(error, errors.Unauthenticated):
        headers["WWW-Authenticate"] = error.challenge
    if isinstance(error, errors.TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    if isinstance(error, errors.Unavailable):
        headers["Retry-After"] = "5"
    return problem_response(status_of(error), error.title, error.detail, headers=headers, **extra)


def install(app: Flask) -> None:
    app.register_error_handler(errors.DomainError, answer)
