"""Taking a file in as a stream: counted, hashed and sniffed on the way, never held whole in memory."""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype

from shared.errors import BadRequest
from services.archive.errors import TooLarge

HEAD = 8192
NAME_LIMIT = 200  # characters of a file's name kept
ALLOWED = {
    "recording": ("video/", "audio/"),
    "publication": ("application/pdf",),
    "material": ("application/pdf", "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.",
                 "application/zip", "image/", "application/epub+zip"),
}


@dataclass(frozen=True)
class Received:
    """A file as it came in, stored under `key`; `announced_sha256` is the checksum its sender
    announced, if it did."""
    key: str
    name: str
    size: int
    sha256: str
    content_type: str | None
    announced_sha256: str | None = None


class Intake:
    """A read-only stream over an incoming file that enforces the size limit and keeps a checksum."""

    def __init__(self, source, limit: int):
        self.source, self.limit = source, limit
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size if size and size > 0 else 1024 * 1024)
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(self.limit)
        self.sha256.update(chunk)
        if len(self.head) < HEAD:
            self.head += chunk[:HEAD - len(self.head)]
        return chunk

    def content_type(self) -> str | None:
        """What the bytes are, whatever the client said."""
        if self.head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
            return "text/vtt"
        kind = filetype.guess(self.head)
        return kind.mime if kind else None

    def received(self, key: str, *, name: str, announced_sha256: str | None = None) -> Received:
        """What was read, once it is all stored under `key`."""
        return Received(key, name, self.size, self.sha256.hexdigest(), self.content_type(), announced_sha256)


def safe_name(given: str | None) -> str:
    """A file's name as the archive keeps it, whatever the client sent: the last segment of a path
    (/ or \\), no control or format characters (CR, LF, NUL, bidirectional overrides), at most
    NAME_LIMIT characters with its extension kept; "file" when nothing is left."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", given or "") if unicodedata.category(ch)[0] != "C")
    name = re.split(r"[/\\]", name)[-1].strip(" .")
    if len(name) > NAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        keep = dot + extension if dot and len(extension) <= 16 else ""
        name = name[:NAME_LIMIT - len(keep)].rstrip(" .") + keep
    return name or "file"


def expected_sha256(headers) -> str | None:
    """The checksum the client announced: `Repr-Digest: sha-256=:<base64>:` (RFC 9530) or
    `X-Checksum-SHA256: <hex>`; a malformed one is refused."""
    digest = headers.get("Repr-Digest") or headers.get("Content-Digest")
    if digest:
        match = re.search(r"sha-256=:([A-Za-z0-9+/=]+):", digest)
        try:
            return base64.b64decode(match.group(1), validate=True).hex() if match else _bad_digest()
        except binascii.Error:
            return _bad_digest()
    value = headers.get("X-Checksum-SHA256")
    if value:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", value):
            return _bad_digest()
        return value.lower()
    return None


def _bad_digest():
    raise BadRequest("Malformed checksum", "Send Repr-Digest: sha-256=:<base64>: or X-Checksum-SHA256: <64 hex digits>.")


def allowed(item_type: str, content_type: str | None) -> bool:
    return content_type is not None and any(content_type.startswith(p) for p in ALLOWED.get(item_type, ()))
