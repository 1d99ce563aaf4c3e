"""The registry's refusals (kinds in shared/errors.py; the HTTP layer answers each)."""
from __future__ import annotations

from shared.errors import BadRequest, Conflict, Unauthenticated


class NotActive(Conflict):
    """An organization or person that is deactivated cannot take part in something new."""

    def __init__(self, what: str, row: dict):
        super().__init__(f"{what.capitalize()} is not active",
                         f"The {what} {row['id']} is {row['status']}; it cannot take part in this.")


class OAuthError(BadRequest):
    """An RFC 6749 §5.2 error: its code and description travel as `error` and `error_description`."""

    def __init__(self, error: str, description: str):
        super().__init__(error.replace("_", " ").capitalize(), description, error=error, error_description=description)


class InvalidClient(Unauthenticated):
    """RFC 6749 `invalid_client`: unknown client, wrong secret, or revoked (or its organization is)."""

    def __init__(self):
        detail = "Unknown client, wrong secret, or a revoked client."
        super().__init__("Invalid client", detail, challenge='Basic realm="birlikte"', error="invalid_client",
                         error_description=detail)
