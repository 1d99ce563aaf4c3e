"""The archive's tests: its app over the run's database (any tier), files on a temporary disk,
and people, events and registrations handed to its consumer as messages."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from services.archive.storage import S3Storage
from tests.support.services import service_fixtures
from tests.support.smtp import free_port

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture(scope="session")
def archive_settings(settings, tmp_path_factory):
    return settings.replace(archive_dir=str(tmp_path_factory.mktemp("archive")), archive_max_upload_bytes=300 * 2 ** 20)


archive_pool, app, client, deliveries = service_fixtures("archive", settings="archive_settings", pool_max=8)


class Feed:
    """Registry and events messages, handed to the archive's consumer."""

    def __init__(self, deliveries):
        self.deliveries = deliveries

    def person(self, *, consent_recording=True, version=1, id=None) -> str:
        return self.deliveries.person(consent_recording=consent_recording, version=version, id=id)["id"]

    def event(self, organizer_id, action="scheduled", *, format="online", visibility="members", id=None, version=1,
              status="scheduled") -> dict:
        return self.deliveries.event(action, starts_at=datetime.now(timezone.utc) - timedelta(days=1), id=id,
                                     version=version, kind="information_session", format=format,
                                     title={"tr": "Bağış toplama üzerine", "en": "On fundraising"}, status=status,
                                     visibility=visibility, organizer_ids=[organizer_id], topics=["fundraising"],
                                     online_url="https://meet.example.org/x")

    def registration(self, event_id, person_id, status="registered") -> None:
        self.deliveries.registration({"id": event_id}, person_id, status=status)


@pytest.fixture(scope="session")
def feed(deliveries) -> Feed:
    return Feed(deliveries)


def item_body(org, **overrides) -> dict:
    body = {"type": "publication", "title": {"tr": "Sivil toplumda çalışma ilişkileri",
                                              "en": "Work relations in civil society"},
            "language": "tr", "organization_ids": [org], "visibility": "public", "topics": ["workers_rights"],
            "license": "CC-BY-4.0"}
    body.update(overrides)
    return body


@pytest.fixture
def make_item(client, tokens):
    """An item with a file, published (unless publish=False), created by a coordinator."""
    def make(org, content: bytes = PDF_HEAD + b"body" * 100, publish=True, **overrides) -> dict:
        headers = tokens.coordinator()
        item = client.post("/items", json=item_body(org, **overrides), headers=headers)
        assert item.status_code == 201, item.get_json()
        item = item.get_json()
        if item["type"] != "link":
            uploaded = client.put(f"/items/{item['id']}/file", data=content, headers={**headers, "If-Match": '"v1"'})
            assert uploaded.status_code == 200, uploaded.get_json()
            item = uploaded.get_json()
        if publish:
            published = client.post(f"/items/{item['id']}/publish",
                                    headers={**headers, "If-Match": f'"v{item["version"]}"'})
            assert published.status_code == 200, published.get_json()
            item = published.get_json()
        return item
    return make


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3-compatible server, run as a real HTTP server on localhost."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded machine starts it slowly
    while True:
        try:
            requests.get(url, timeout=2)
            break
        except requests.RequestException:  # not listening yet, or listening but not answering yet
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                pytest.fail(f"moto's S3 server did not answer on {url} (is moto[server] installed?)")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


class Stored:
    """What a storage backend holds, to compare before and after a request."""

    def __init__(self, local_dir: str | None = None, s3: S3Storage | None = None):
        self.local_dir, self.s3 = local_dir, s3

    def objects(self) -> set[str]:
        """Every object, finished or under way (a multipart upload not completed nor aborted)."""
        if self.s3 is None:
            return {str(path) for path in Path(self.local_dir).rglob("*") if path.is_file()}
        client, bucket = self.s3.client, self.s3.bucket
        keys = {o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])}
        uploads = {f"multipart:{u['Key']}" for u in client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])}
        return keys | uploads


@pytest.fixture(params=["local", "s3"])
def stored(request, app, archive_settings):
    """The app on local disk, or on a bucket of its own on the S3 server; what that storage holds."""
    if request.param == "local":
        yield Stored(local_dir=archive_settings.archive_dir)
        return
    s3 = archive_settings.replace(archive_storage="s3", s3_endpoint_url=request.getfixturevalue("s3_server"),
                                  s3_bucket=f"birlikte-{uuid.uuid4().hex[:12]}", s3_access_key="test",
                                  s3_secret_key="test")
    storage = S3Storage(s3)
    storage.ensure_bucket()
    state = app.extensions["birlikte"]
    state["settings"], state["storage"] = s3, storage
    try:
        yield Stored(s3=storage)
    finally:
        state["settings"] = archive_settings
        state.pop("storage")
