"""The web app's refusals: what the services answered, carried to the page that asked."""
from __future__ import annotations

from shared.errors import DomainError, Unauthenticated


class ApiProblem(DomainError):
    """A service's problem+json answer, with its status and its field errors, for the page to show."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("title") or "Refused", body.get("detail"), errors=body.get("errors") or {})
        self.status, self.body = status, body


class SignedOut(Unauthenticated):
    """The person's session here ended (or their registry session did): sign in again."""

    def __init__(self, detail: str = "Your session has ended; sign in again."):
        super().__init__("Signed out", detail, challenge='Bearer realm="birlikte"')
