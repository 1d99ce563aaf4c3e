"""Files from the browser read as a stream: a plain form's fields before its file, then the file's
bytes as they come, however the body is cut into reads; a script's body passed on with its length."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from shared.errors import BadRequest
from services.web.api import uploads

CONTENT = bytes(range(256)) * 300 + b"\r\n--not-the-boundary\r\n" + b"end"


def posted(fields: dict, file: bytes | None, name: str = "clip.webm") -> Request:
    data = dict(fields)
    if file is not None:
        data["file"] = FileStorage(io.BytesIO(file), filename=name, content_type="video/webm")
    return Request(EnvironBuilder(method="POST", data=data).get_environ())


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_the_fields_come_first_then_the_file_whatever_the_size_of_the_reads(monkeypatch, chunk):
    monkeypatch.setattr(uploads, "CHUNK", chunk)
    form = uploads.Form(posted({"csrf_token": "t0ken", "version": "3"}, CONTENT))
    assert form.fields() == {"csrf_token": "t0ken", "version": "3"}
    assert form.file == "clip.webm"
    assert b"".join(form.chunks()) == CONTENT


def test_a_form_without_a_file_chosen_says_so_and_one_not_multipart_is_refused():
    form = uploads.Form(posted({"csrf_token": "t0ken"}, b"", name=""))
    assert form.fields() == {"csrf_token": "t0ken"} and not form.file
    with pytest.raises(BadRequest):
        uploads.Form(Request(EnvironBuilder(method="POST", data="a=b", content_type="text/plain").get_environ()))


def test_a_field_longer_than_a_form_sends_is_refused():
    with pytest.raises(BadRequest):
        uploads.Form(posted({"csrf_token": "x" * (uploads.MAX_FIELD + 1)}, CONTENT)).fields()


def test_a_scripts_body_goes_on_with_its_length_and_only_with_one():
    body = uploads.raw(io.BytesIO(CONTENT), len(CONTENT))
    assert len(body) == len(CONTENT) and b"".join(body) == CONTENT
    assert uploads.raw(io.BytesIO(b""), 0) == b""
    with pytest.raises(BadRequest):
        uploads.raw(io.BytesIO(CONTENT), None)
