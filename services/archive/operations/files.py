"""An item's file and its captions: what came in is kept only if it is what the item takes."""
from __future__ import annotations

from shared import rows
from shared.auth.principal import Principal
from shared.errors import BadRequest, Conflict
from shared.versions import Precondition
from services.archive import intake, store
from services.archive.errors import ChecksumMismatch, NotAccepted
from services.archive.intake import Received


def require_takes_file(item: dict) -> None:
    if item["type"] == "link":
        raise Conflict("Links have no file", "A link item points elsewhere (external_url).")


def require_takes_captions(item: dict) -> None:
    if item["type"] != "recording":
        raise Conflict("Only recordings have captions", "Captions belong to recordings.")


def attach(cur, actor: Principal, item_id, received: Received, precondition: Precondition) -> tuple[dict, str | None]:
    """The item with its new file, and the key of the file it replaces (None for a first file):
    delete that one only once the change is committed, or the item would name a missing file."""
    item = rows.load(cur, "items", item_id, "item", for_update=True)
    require_takes_file(item)
    _require_intact(received)
    if not intake.allowed(item["type"], received.content_type):
        raise NotAccepted("File type not accepted", f"A {item['type']} cannot be "
                          f"{received.content_type or 'of an unknown type'} (judged from its bytes).")
    precondition.check(item["version"])  # a refused file is refused as such, whatever version it was sent for
    row = rows.update(cur, "items", item_id, {
        "file_key": received.key, "file_name": received.name, "file_size": received.size,
        "file_sha256": received.sha256, "content_type": received.content_type})
    return row, item["file_key"]


def attach_captions(cur, actor: Principal, item_id, language: str, received: Received) -> tuple[dict, str | None]:
    """A recording's WebVTT captions in a language, in place of any it had: the item, and the key
    of the captions' file they replace (to delete once this is committed, as for attach)."""
    item = rows.load(cur, "items", item_id, "item")
    require_takes_captions(item)
    _require_intact(received)
    if received.content_type != "text/vtt":
        raise NotAccepted("Not WebVTT", "Captions and transcripts must be WebVTT (starting with 'WEBVTT').")
    return item, store.put_captions(cur, item_id, language, received)


def _require_intact(received: Received) -> None:
    """Some bytes, and the very ones the sender announced a checksum of."""
    if received.size == 0:
        raise BadRequest("Empty file", "The request carried no bytes.")
    if received.announced_sha256 and received.announced_sha256 != received.sha256:
        raise ChecksumMismatch(received.sha256, received.announced_sha256)
