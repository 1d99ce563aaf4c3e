"""Resource versions as ETags: If-Match guards writes (412 on a lost update), If-None-Match saves reads."""
from __future__ import annotations

from flask import request

from shared.http.problems import abort_problem


def etag(version: int) -> str:
    return f'"v{version}"'


def _tags(header: str | None) -> set[str]:
    return {t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip()}


def require_if_match(current_version: int) -> None:
    header = request.headers.get("If-Match")
    if not header:
        abort_problem(428, "Precondition required",
                      "Send If-Match with the ETag you read, so that no one else's change is overwritten.")
    tags = _tags(header)
    if "*" not in tags and etag(current_version) not in tags:
        abort_problem(412, "Precondition failed",
                      f"The resource changed since you read it; it is now at {etag(current_version)}. "
                      "Read it again and retry.", current_etag=etag(current_version))


def not_modified(version: int) -> bool:
    tags = _tags(request.headers.get("If-None-Match"))
    return "*" in tags or etag(version) in tags
