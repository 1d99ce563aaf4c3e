"""The archive's tests: its app over the run's database (any tier), files on a temporary disk,
and people, events and registrations handed to its consumer as messages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.support.services import service_fixtures

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
