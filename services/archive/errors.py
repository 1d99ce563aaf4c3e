"""The archive's refusals (kinds in shared/errors.py; the HTTP layer answers each)."""
from __future__ import annotations

from shared import errors
from shared.errors import Conflict, Invalid


class TooLarge(errors.TooLarge):
    """More bytes than the archive takes."""

    def __init__(self, limit: int):
        super().__init__("File too large", f"The archive takes files up to {limit} bytes.")


class NotAccepted(errors.UnsupportedMediaType):
    """A file whose bytes are of a type this does not take."""


class ChecksumMismatch(Invalid):
    def __init__(self, actual: str, announced: str):
        super().__init__("Checksum mismatch",
                         f"The file's SHA-256 is {actual}, not the {announced} announced; nothing was kept.")


class ConsentMissing(Conflict):
    """Speakers on a recording who have not agreed to be recorded, by name (also as the answer's
    `speakers_without_consent`, for a page to say it in its reader's language)."""

    def __init__(self, names: list[str]):
        super().__init__("Consent missing", "Every speaker on a recording must have consented to being recorded: "
                         + ", ".join(names) + ".", errors={"speakers": [f"No consent from {name}." for name in names]},
                         speakers_without_consent=names)


class MediaMismatch(Invalid):
    def __init__(self, item_type: str):
        super().__init__("Media does not fit the item",
                         f"Only recordings are video or audio; a {item_type} has no media.",
                         errors={"media": [f"A {item_type} has no media; leave it out."]})


class UnknownEvents(Invalid):
    """Events the archive has not heard of (its copy of what the events service published), by id
    (also as the answer's `unknown_event_ids`)."""

    def __init__(self, ids: list[str]):
        super().__init__("Unknown events", "The archive knows no event " + ", ".join(ids) + ".",
                         errors={"event_ids": [f"No event {i}." for i in ids]}, unknown_event_ids=ids)
