"""Resource versions in HTTP: ETag on reads, If-None-Match for 304s, If-Match as the
precondition a change is checked against (shared/versions.py)."""
from __future__ import annotations

from flask import request

from shared.versions import Precondition, etag, tags

__all__ = ["etag", "if_match", "not_modified"]


def if_match(*, required: bool = True) -> Precondition:
    """The caller's If-Match as a precondition; `required=False` lets a change without one through."""
    return Precondition.from_header(request.headers.get("If-Match"), required=required)


def not_modified(version: int) -> bool:
    found = tags(request.headers.get("If-None-Match"))
    return "*" in found or etag(version) in found

