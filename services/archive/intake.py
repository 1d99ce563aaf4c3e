"""Taking a file in as a stream: counted, hashed and sniffed on the way, never held whole in memory."""
from __future__ import annotations

import base64
import binascii
import hashlib
import re

import filetype

from shared.http.problems import abort_problem

HEAD = 8192
ALLOWED = {
    "recording": ("video/", "audio/"),
    "publication": ("application/pdf",),
    "material": ("application/pdf", "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.",
                 "application/zip", "image/", "application/epub+zip"),
}


class TooLarge(Exception):
    pass


class Intake:
    """A read-only stream over the request body that enforces the size limit and keeps a checksum."""

    def __init__(self, source, limit: int):
        self.source, self.limit = source, limit
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size if size and size > 0 else 1024 * 1024)
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(self.size)
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


def expected_sha256(headers) -> str | None:
    """The checksum the client announced: `Repr-Digest: sha-256=:<base64>:` (RFC 9530) or
    `X-Checksum-SHA256: <hex>`; a malformed one is a 400."""
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
    abort_problem(400, "Malformed checksum", "Send Repr-Digest: sha-256=:<base64>: or X-Checksum-SHA256: <64 hex digits>.")


def allowed(item_type: str, content_type: str | None) -> bool:
    return content_type is not None and any(content_type.startswith(p) for p in ALLOWED.get(item_type, ()))
