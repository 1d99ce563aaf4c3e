"""Taking a file in: its type judged from its bytes, its size limited, the checksum its sender announced."""
import base64
import hashlib
import io

import pytest

from shared.errors import BadRequest
from services.archive import intake
from services.archive.errors import TooLarge
from tests.support.archive import MP4_HEAD, PDF_HEAD, PNG_HEAD

VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHoş geldiniz.\n".encode()


def taken_in(data: bytes, limit: int = 1 << 20) -> intake.Intake:
    body = intake.Intake(io.BytesIO(data), limit)
    while body.read(1000):
        pass
    return body


@pytest.mark.parametrize("data, expected", [
    (VTT, "text/vtt"),
    (b"\xef\xbb\xbf" + VTT, "text/vtt"),  # with a byte order mark
    (b"WEBVT\n", None),
    (PDF_HEAD + b"body", "application/pdf"),
    (MP4_HEAD + b"\0" * 100, "video/mp4"),
    (PNG_HEAD + b"\0" * 100, "image/png"),
    (b"just some text", None),
])
def test_the_type_is_judged_from_the_bytes(data, expected):
    assert taken_in(data).content_type() == expected


def test_what_was_taken_in_is_counted_and_hashed_and_only_its_head_kept():
    data = PDF_HEAD + bytes(range(256)) * 100
    received = taken_in(data).received("items/x", name="report.pdf", announced_sha256="abc")
    assert received == intake.Received("items/x", "report.pdf", len(data), hashlib.sha256(data).hexdigest(),
                                       "application/pdf", "abc")
    assert len(taken_in(data).head) == intake.HEAD


def test_more_bytes_than_the_limit_are_refused_while_streaming():
    with pytest.raises(TooLarge) as refused:
        taken_in(b"x" * 5000, limit=4096)
    assert refused.value.title == "File too large" and "4096 bytes" in refused.value.detail
    assert taken_in(b"x" * 4096, limit=4096).size == 4096


def test_the_announced_checksum_from_either_header():
    data = b"the file"
    digest = hashlib.sha256(data)
    as_base64 = base64.b64encode(digest.digest()).decode()
    assert intake.expected_sha256({"Repr-Digest": f"sha-256=:{as_base64}:"}) == digest.hexdigest()
    assert intake.expected_sha256({"Content-Digest": f"sha-512=:AAAA:, sha-256=:{as_base64}:"}) == digest.hexdigest()
    assert intake.expected_sha256({"X-Checksum-SHA256": digest.hexdigest().upper()}) == digest.hexdigest()
    assert intake.expected_sha256({}) is None


@pytest.mark.parametrize("headers", [
    {"Repr-Digest": "md5=:AAAA:"},
    {"Repr-Digest": "sha-256=:not*base64:"},
    {"Repr-Digest": "sha-256=:AAA:"},  # base64 of the wrong length
    {"X-Checksum-SHA256": "ab" * 31},
    {"X-Checksum-SHA256": "zz" * 32},
])
def test_a_malformed_checksum_is_refused(headers):
    with pytest.raises(BadRequest) as refused:
        intake.expected_sha256(headers)
    assert refused.value.title == "Malformed checksum"


@pytest.mark.parametrize("item_type, content_type, expected", [
    ("recording", "video/mp4", True),
    ("recording", "audio/mpeg", True),
    ("recording", "application/pdf", False),
    ("publication", "application/pdf", True),
    ("publication", "image/png", False),
    ("material", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", True),
    ("material", "image/png", True),
    ("material", "video/mp4", False),
    ("link", "application/pdf", False),
    ("publication", None, False),
])
def test_which_types_each_kind_of_item_takes(item_type, content_type, expected):
    assert intake.allowed(item_type, content_type) is expected
