"""The registry's refusals (kinds in shared/errors.py; the HTTP layer answers each)."""
from __future__ import annotations

from shared.errors import BadRequest, Conflict, Invalid, Unauthenticated


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


class WrongCode(Invalid):
    """A code that is not the one sent. The try counts (and may lock the code) even though the request
    is refused: the view keeps the writes of this refusal."""

    def __init__(self, tries_left: int):
        detail = ("That is not the code we sent; check the email and try again." if tries_left else
                  "That is not the code we sent, five times: this code is locked; ask for a new one.")
        super().__init__("Wrong code", detail, errors={"code": ["Not the code we sent."]}, tries_left=tries_left)


class NoCodeExpected(Invalid):
    """Nothing waits for a code: none was sent, or it expired, was locked or superseded."""

    def __init__(self):
        super().__init__("No code expected", "No change of address waits for a code (it expired, was locked by "
                         "wrong tries, or a newer change replaced it); ask for the change again.",
                         errors={"code": ["No longer valid: ask for the change again."]})
