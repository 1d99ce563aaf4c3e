"""Files: streamed uploads with bounded memory, checksums, types from the bytes, Range and ETag;
the S3-compatible backend against a real S3 server run locally (moto's server mode)."""
from __future__ import annotations

import base64
import hashlib
import os
import tracemalloc
import uuid
from pathlib import Path

from services.archive.storage import S3Storage
from tests.support.archive import MP4_HEAD, PDF_HEAD, PNG_HEAD, item_body


def draft(client, tokens, org, **overrides) -> dict:
    response = client.post("/items", json=item_body(org, **overrides), headers=tokens.coordinator())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def put_file(client, tokens, item, data, **headers):
    return client.put(f"/items/{item['id']}/file", data=data,
                      headers={**tokens.coordinator(), "If-Match": f'"v{item["version"]}"', **headers})


def test_range_requests_etag_and_conditional_get(client, tokens, make_item):
    content = PDF_HEAD + bytes(range(256)) * 40
    item = make_item(str(uuid.uuid4()), content=content)
    url = f"/items/{item['id']}/file"
    full = client.get(url)
    assert full.status_code == 200 and full.data == content and full.headers["Accept-Ranges"] == "bytes"
    etag = full.headers["ETag"]
    assert etag == f'"{hashlib.sha256(content).hexdigest()}"'
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(content)}"
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == content[-10:]
    beyond = client.get(url, headers={"Range": f"bytes={len(content) + 5}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(content)}"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another-version"'})
    assert stale.status_code == 200 and stale.data == content


def test_a_checksum_mismatch_is_refused_and_nothing_is_kept(client, tokens, archive_settings):
    item = draft(client, tokens, str(uuid.uuid4()))
    before = set(Path(archive_settings.archive_dir).rglob("*"))
    wrong = base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    refused = put_file(client, tokens, item, PDF_HEAD + b"x" * 1000, **{"Repr-Digest": f"sha-256=:{wrong}:"})
    assert refused.status_code == 422 and refused.get_json()["title"] == "Checksum mismatch"
    assert set(Path(archive_settings.archive_dir).rglob("*")) == before
    assert client.get(f"/items/{item['id']}", headers=tokens.coordinator()).get_json()["file"] is None
    data = PDF_HEAD + b"y" * 1000
    right = put_file(client, tokens, item, data, **{"X-Checksum-SHA256": hashlib.sha256(data).hexdigest()})
    assert right.status_code == 200 and right.get_json()["file"]["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_type_comes_from_the_bytes_not_the_client(client, tokens):
    item = draft(client, tokens, str(uuid.uuid4()))
    refused = put_file(client, tokens, item, PNG_HEAD + b"\0" * 500, **{"Content-Type": "application/pdf"})
    assert refused.status_code == 415
    recording = draft(client, tokens, str(uuid.uuid4()), type="recording", media="video")
    accepted = put_file(client, tokens, recording, MP4_HEAD + b"\0" * 500, **{"Content-Type": "text/plain"})
    assert accepted.status_code == 200 and accepted.get_json()["file"]["content_type"] == "video/mp4"


def test_webvtt_captions_on_a_recording(client, tokens, make_item):
    recording = make_item(str(uuid.uuid4()), type="recording", media="video", content=MP4_HEAD + b"\0" * 100)
    url = f"/items/{recording['id']}/captions/tr"
    assert client.put(url, data=b"not captions", headers=tokens.coordinator()).status_code == 415
    vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\nHoş geldiniz.\n".encode()
    done = client.put(url, data=vtt, headers=tokens.coordinator())
    assert done.status_code == 200 and done.get_json()["captions"] == ["tr"]
    assert client.get(url).data == vtt


def test_a_file_over_the_limit_is_refused(client, tokens, app, archive_settings):
    item = draft(client, tokens, str(uuid.uuid4()))
    app.extensions["birlikte"]["settings"] = archive_settings.replace(archive_max_upload_bytes=1000)
    try:
        refused = put_file(client, tokens, item, PDF_HEAD + b"z" * 5000)
    finally:
        app.extensions["birlikte"]["settings"] = archive_settings
    assert refused.status_code == 413


class Source:
    """A 200 MB body produced on the fly: the upload's memory must not grow with it."""

    def __init__(self, size: int):
        self.size, self.left, self.block, self.sha = size, size, os.urandom(1 << 20), hashlib.sha256()
        self.first, self.at_end = True, False

    # werkzeug's test client measures a stream with tell/seek(0, 2)/seek(start): answer without reading.
    def tell(self) -> int:
        return self.size if self.at_end else self.size - self.left

    def seek(self, offset: int, whence: int = 0) -> int:
        self.at_end = whence == 2
        return self.tell()

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        chunk = (MP4_HEAD + self.block)[: 1 << 20] if self.first else self.block
        self.first = False
        chunk = chunk[: min(len(chunk), self.left, n if n and n > 0 else len(chunk))]
        self.left -= len(chunk)
        self.sha.update(chunk)
        return chunk


def test_a_200_mb_upload_streams_with_bounded_memory(client, tokens):
    item = draft(client, tokens, str(uuid.uuid4()), type="recording", media="video")
    size = 200 * 2 ** 20
    source = Source(size)
    tracemalloc.start()
    try:
        response = client.put(f"/items/{item['id']}/file", input_stream=source,
                              headers={**tokens.coordinator(), "If-Match": '"v1"', "Content-Length": str(size)})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["file"]["size"] == size
    assert response.get_json()["file"]["sha256"] == source.sha.hexdigest()
    assert peak < 32 * 2 ** 20, f"peak Python memory {peak / 2**20:.1f} MiB while uploading 200 MiB"


def test_the_s3_backend_stores_streams_and_serves_ranges(s3_server, client, tokens, app, archive_settings):
    s3 = archive_settings.replace(archive_storage="s3", s3_endpoint_url=s3_server, s3_bucket="birlikte-test",
                                  s3_access_key="test", s3_secret_key="test")
    storage = S3Storage(s3)
    storage.ensure_bucket()
    state = app.extensions["birlikte"]
    state["settings"], state["storage"] = s3, storage
    try:
        content = PDF_HEAD + os.urandom(3 * 2 ** 20)
        item = draft(client, tokens, str(uuid.uuid4()))
        assert put_file(client, tokens, item, content).status_code == 200
        key = storage.client.list_objects_v2(Bucket="birlikte-test")["Contents"][0]["Key"]
        assert storage.client.head_object(Bucket="birlikte-test", Key=key)["ContentLength"] == len(content)
        part = client.get(f"/items/{item['id']}/file", headers={**tokens.coordinator(), "Range": "bytes=1000-1999"})
        assert part.status_code == 206 and part.data == content[1000:2000]
    finally:
        state["settings"] = archive_settings
        state.pop("storage")
