"""Domain errors: what a rule says when it refuses, in words a person can act on.

Operations, rules and queries raise these; they know nothing of HTTP. The HTTP layer turns each
kind into a problem+json answer with its status (shared/http/errors.py); a worker records the
refusal where it keeps its outcomes (an import's report, a dead letter's reason). A service's own
`errors.py` names its specific refusals as subclasses of these kinds.
"""
from __future__ import annotations

from contextlib import contextmanager

import psycopg


class DomainError(Exception):
    """A refusal: a short `title`, a `detail` sentence, `errors` by field, and any extra members
    the answer should carry (e.g. the id of what already exists)."""

    def __init__(self, title: str, detail: str | None = None, *, errors: dict | None = None, **extra):
        super().__init__(detail or title)
        self.title, self.detail = title, detail
        self.errors = errors or {}
        self.extra = extra


class BadRequest(DomainError):
    """Input that is malformed in itself (a cursor that was edited), not a field's value."""


class Invalid(DomainError):
    """Field values that break a rule; `errors` names each field."""


class Unauthenticated(DomainError):
    """Who is calling could not be established (credentials missing or wrong); `challenge` says
    how to authenticate (the WWW-Authenticate of an HTTP answer)."""

    def __init__(self, title: str, detail: str | None = None, *, challenge: str, **extra):
        super().__init__(title, detail, **extra)
        self.challenge = challenge


class Forbidden(DomainError):
    """The caller may not do this."""


class NotFound(DomainError):
    """Nothing with this id (or nothing the caller may know of)."""


class Conflict(DomainError):
    """The current state does not allow this (a duplicate, a closed event, a used vote)."""


class TooLarge(DomainError):
    """More than this takes (a file past the upload limit)."""


class UnsupportedMediaType(DomainError):
    """Content of a type this does not take (judged from the content itself)."""


class PreconditionRequired(DomainError):
    """A change that must name the version it was made against, and did not."""


class PreconditionFailed(DomainError):
    """The resource changed since the version the caller named."""

    def __init__(self, title: str, detail: str | None = None, *, current_version: int, **extra):
        super().__init__(title, detail, **extra)
        self.current_version = current_version


class TooManyRequests(DomainError):
    """A limit is reached: `retry_after` seconds until more is allowed."""

    def __init__(self, retry_after: int, detail: str = "Too many attempts; wait a little and try again.", **extra):
        super().__init__("Too many requests", detail, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A part this needs is not there right now (retry later), or not configured here."""


def require(condition: bool, detail: str) -> None:
    """Forbidden unless `condition`: the one way access decisions refuse."""
    if not condition:
        raise Forbidden("Forbidden", detail)


def not_found(what: str, row_id) -> NotFound:
    return NotFound(f"{what[0].upper()}{what[1:]} not found", f"No {what} has the id {row_id}.")


@contextmanager
def unique(detail: str, **extra):
    """A unique index refusing a duplicate becomes a Conflict that says what already exists."""
    try:
        yield
    except psycopg.errors.UniqueViolation:
        raise Conflict("Already exists", detail, **extra) from None
