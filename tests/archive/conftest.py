"""The archive app against the run's real database, files on a temporary disk, copies of people,
events and registrations given to the archive's own message handlers."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from shared.bus.envelope import make_envelope
from shared.bus.topology import pattern_matches
from shared.db import open_pool
from services.archive import handlers
from services.archive.app import create_app
from tests.support.tokens import Tokens

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture(scope="session")
def archive_settings(settings, tmp_path_factory):
    return settings.replace(archive_dir=str(tmp_path_factory.mktemp("archive")), archive_max_upload_bytes=300 * 2 ** 20)


@pytest.fixture(scope="session")
def archive_pool(settings):
    pool = open_pool(settings, "archive", min_size=1, max_size=8)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def app(archive_settings, archive_pool):
    app = create_app(archive_settings, pool=archive_pool)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def tokens(settings) -> Tokens:
    return Tokens(settings)


class Feed:
    """Registry and events messages, handed to the archive's handlers as its consumer would."""

    def __init__(self, pool):
        self.pool = pool

    def deliver(self, type_: str, data: dict) -> None:
        handler = next(h for pattern, h in handlers.HANDLERS if pattern_matches(pattern, type_))
        envelope = make_envelope(type_, data, source="urn:test", subject=str(data["id"]))
        with self.pool.connection() as conn, conn.transaction():
            handler(conn, envelope)

    def person(self, *, consent_recording=True, version=1, id=None) -> str:
        person_id = id or str(uuid.uuid4())
        self.deliver("registry.person.created", {
            "id": person_id, "full_name": f"Konuşmacı {person_id[:6]}", "email": f"{person_id[:8]}@example.org",
            "preferred_language": "tr", "time_zone": "Europe/Istanbul", "consent_contact": True,
            "consent_recording": consent_recording, "status": "active", "version": version})
        return person_id

    def event(self, organizer_id, action="scheduled", *, format="online", visibility="members", id=None, version=1,
              status="scheduled") -> dict:
        start = datetime.now(timezone.utc) - timedelta(days=1)
        data = {"id": id or str(uuid.uuid4()), "kind": "information_session", "format": format,
                "title": {"tr": "Bağış toplama üzerine", "en": "On fundraising"},
                "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
                "time_zone": "Europe/Istanbul", "status": status, "visibility": visibility,
                "organizer_ids": [organizer_id], "host_id": None, "partner_ids": [], "series_id": None,
                "topics": ["fundraising"], "online_url": "https://meet.example.org/x", "capacity": None,
                "sequence": 0, "version": version}
        self.deliver(f"events.event.{action}", data)
        return data

    def registration(self, event_id, person_id, status="registered") -> None:
        self.deliver("events.registration.created", {
            "id": str(uuid.uuid4()), "event_id": event_id, "person_id": person_id,
            "organization_id": str(uuid.uuid4()), "status": status, "waitlist_position": None, "attendance": None})


@pytest.fixture(scope="session")
def feed(archive_pool) -> Feed:
    return Feed(archive_pool)


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
