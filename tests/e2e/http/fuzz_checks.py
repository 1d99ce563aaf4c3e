"""The check schemathesis adds to its own in tests/e2e/http/test_fuzz.py (loaded as its hooks module)."""
from __future__ import annotations

import json

import schemathesis

PROBLEM = "application/problem+json"


@schemathesis.check
def errors_are_problems(ctx, response, case):
    """A 4xx or 5xx is an RFC 9457 problem whose status is the answer's."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == PROBLEM, f"{response.status_code} answered as {content_type!r}"
    body = json.loads(response.content)
    assert body.get("status") == response.status_code and body.get("title"), f"not a problem of this status: {body}"
    return True
