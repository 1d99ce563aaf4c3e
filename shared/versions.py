"""Resource versions: every row carries one, and a change names the version it was made against.

HTTP spells a version as an ETag (`"v3"`) and the version a change expects as `If-Match`; the
HTTP layer turns the header into a `Precondition` (shared/http/etag.py) and the operation checks
it against the row it locked, so a lost update is refused however the change arrives.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    return f'"v{version}"'


def tags(header: str | None) -> frozenset[str]:
    """The entity tags of an If-Match / If-None-Match header (weak or strong alike)."""
    return frozenset(t.strip().removeprefix("W/") for t in (header or "").split(",") if t.strip())


@dataclass(frozen=True)
class Precondition:
    """The versions a change may apply to: `tags` as the caller sent them (None: nothing sent).
    `required`: a change without one is refused (428) rather than applied blindly."""
    tags: frozenset[str] | None = None
    required: bool = True

    @classmethod
    def from_header(cls, header: str | None, *, required: bool = True) -> "Precondition":
        return cls(tags(header) if header else None, required)

    def check(self, version: int) -> None:
        if self.tags is None:
            if self.required:
                raise PreconditionRequired(
                    "Precondition required",
                    "Send If-Match with the ETag you read, so that no one else's change is overwritten.")
            return
        if "*" not in self.tags and etag(version) not in self.tags:
            raise PreconditionFailed(
                "Precondition failed",
                f"The resource changed since you read it; it is now at {etag(version)}. Read it again and retry.",
                current_version=version)


# Workers and system actors change what they find: no version is named, none is needed.
ANY = Precondition(frozenset({"*"}))
