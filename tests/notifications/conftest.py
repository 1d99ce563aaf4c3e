"""The notifications service against the run's real database, a real SMTP server (aiosmtpd) and,
through its handlers, registry- and events-shaped messages."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from shared.bus.envelope import make_envelope
from shared.db import open_pool
from services.notifications import handlers
from services.notifications.app import create_app
from tests.support.smtp import SmtpServer
from tests.support.tokens import Tokens


@pytest.fixture(scope="session")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_settings(settings, smtp):
    """The run's settings with email going to the test SMTP server."""
    return settings.replace(smtp_host="127.0.0.1", smtp_port=smtp.port, notification_retry_delays=(0.2, 0.4))


@pytest.fixture(scope="session")
def notifications_pool(settings):
    pool = open_pool(settings, "notifications", min_size=2, max_size=20)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def app(mail_settings, notifications_pool):
    app = create_app(mail_settings, pool=notifications_pool)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def tokens(settings) -> Tokens:
    return Tokens(settings)


class Bus:
    """Hands messages to the notifications handlers exactly as the consumer would (in a transaction)."""

    def __init__(self, settings, pool):
        self.settings, self.pool = settings, pool
        self.routes = handlers.handlers(settings)

    def deliver(self, type_: str, data: dict, *, source: str | None = None, envelope: dict | None = None) -> dict:
        from shared.bus.topology import pattern_matches
        envelope = envelope or make_envelope(type_, data, source=source or f"urn:birlikte:{type_.split('.')[0]}",
                                             subject=str(data.get("id")))
        handler = next(h for pattern, h in self.routes if pattern_matches(pattern, type_))
        with self.pool.connection() as conn, conn.transaction():
            handler(conn, envelope)
        return envelope

    def person(self, *, language="tr", time_zone="Europe/Istanbul", consent_contact=True, version=1, id=None,
               status="active") -> dict:
        person_id = id or str(uuid.uuid4())
        data = {"id": person_id, "full_name": f"Kişi {person_id[:6]}", "email": f"{person_id[:12]}@example.org",
                "preferred_language": language, "time_zone": time_zone, "consent_contact": consent_contact,
                "consent_recording": False, "status": status, "version": version}
        self.deliver("registry.person.created", data)
        return data

    def event(self, action="scheduled", *, starts_at=None, hours=2, sequence=0, version=1, id=None, **fields) -> dict:
        starts_at = starts_at or datetime.now(timezone.utc) + timedelta(days=3)
        data = {"id": id or str(uuid.uuid4()), "kind": "civil_space_discussion", "format": "online",
                "title": {"tr": "Sivil Alan Tartışmaları", "en": "Civil Space Discussions"},
                "starts_at": starts_at.isoformat(), "ends_at": (starts_at + timedelta(hours=hours)).isoformat(),
                "time_zone": "Europe/Istanbul", "status": "scheduled", "visibility": "members",
                "organizer_ids": [str(uuid.uuid4())], "host_id": None, "partner_ids": [], "series_id": None,
                "topics": ["workers_rights"], "online_url": "https://meet.example.org/room", "capacity": None,
                "sequence": sequence, "version": version}
        data.update(fields)
        self.deliver(f"events.event.{action}", data)
        return data

    def registration(self, event: dict, person: dict, action="created", *, status="registered", id=None,
                     position=None, attendance=None) -> dict:
        data = {"id": id or str(uuid.uuid4()), "event_id": event["id"], "person_id": person["id"],
                "organization_id": str(uuid.uuid4()), "status": status, "waitlist_position": position,
                "attendance": attendance}
        self.deliver(f"events.registration.{action}", data)
        return data


@pytest.fixture(scope="session")
def bus(mail_settings, notifications_pool) -> Bus:
    return Bus(mail_settings, notifications_pool)


def notifications_of(pool, person_id, channel=None) -> list[dict]:
    with pool.connection() as conn:
        query = "SELECT * FROM notifications WHERE recipient_id = %s" + (" AND channel = %s" if channel else "")
        return conn.execute(query + " ORDER BY created_at, id",
                            (person_id, channel) if channel else (person_id,)).fetchall()
