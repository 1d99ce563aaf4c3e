"""The events app against the run's real database, with local copies of registry data.

Most tests give the events service its copies of organizations, people and memberships by
handing registry-shaped messages to the very handlers its worker runs (services.events.copies);
test_registry_copies.py proves the same through the real registry and RabbitMQ.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from shared.bus.envelope import make_envelope
from shared.db import open_pool
from services.events import copies
from services.events.app import create_app
from tests.support.tokens import Tokens


@pytest.fixture(scope="session")
def events_pool(settings):
    pool = open_pool(settings, "events", min_size=2, max_size=40)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def app(settings, events_pool):
    app = create_app(settings, pool=events_pool)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def tokens(settings) -> Tokens:
    return Tokens(settings)


class Community:
    """Registry facts as the events service learns them: through copies of registry messages."""

    def __init__(self, pool):
        self.pool = pool

    def _apply(self, handler, type_: str, data: dict) -> None:
        envelope = make_envelope(type_, data, source="urn:birlikte:registry", subject=data["id"])
        with self.pool.connection() as conn, conn.transaction():
            handler(conn, envelope)

    def organization(self, *, name=None, country="TR", roles=("participant",), status="active", version=1,
                     id=None) -> str:
        org_id = id or str(uuid.uuid4())
        self._apply(copies.copy_organization, "registry.organization.created", {
            "id": org_id, "name": name or f"Örgüt {org_id[:6]}", "kind": "association", "country": country,
            "city": None, "roles": list(roles), "focus_areas": [], "status": status, "version": version})
        return org_id

    def deactivate(self, org_id: str, version: int = 2) -> None:
        self.organization(id=org_id, status="inactive", version=version)

    def person(self, organization_id=None, *, time_zone="Europe/Istanbul", admin=False, status="active") -> str:
        person_id = str(uuid.uuid4())
        self._apply(copies.copy_person, "registry.person.created", {
            "id": person_id, "full_name": f"Kişi {person_id[:6]}", "email": f"{person_id[:8]}@example.org",
            "preferred_language": "tr", "time_zone": time_zone, "consent_contact": True,
            "consent_recording": False, "status": status, "version": 1})
        if organization_id:
            self.membership(person_id, organization_id, admin=admin)
        return person_id

    def membership(self, person_id, organization_id, *, admin=False, status="active") -> str:
        membership_id = str(uuid.uuid4())
        self._apply(copies.copy_membership, "registry.membership.created", {
            "id": membership_id, "organization_id": organization_id, "person_id": person_id, "kind": "member",
            "is_admin": admin, "status": status})
        return membership_id


@pytest.fixture(scope="session")
def community(events_pool) -> Community:
    return Community(events_pool)


def soon(hours: float = 24) -> datetime:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).replace(microsecond=0)


OMIT = object()  # an override that leaves the field out


def event_body(organizer_id, **overrides) -> dict:
    start = soon(48)
    body = {
        "kind": "civil_space_discussion", "format": "online",
        "title": {"tr": "Sivil Alan Tartışmaları: Çalışma İlişkileri", "en": "Civil Space Discussions: Work Relations"},
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "time_zone": "Europe/Istanbul", "online_url": "https://meet.example.org/birlikte",
        "organizer_ids": [organizer_id], "visibility": "members", "status": "scheduled",
        "topics": ["workers_rights"],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not OMIT}


@pytest.fixture
def org(community) -> str:
    return community.organization()


@pytest.fixture
def create_event(client, tokens):
    def create(organizer_id, headers=None, **overrides) -> dict:
        response = client.post("/events", json=event_body(organizer_id, **overrides),
                               headers=headers or tokens.coordinator())
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return create


def outbox(settings, subject) -> list[dict]:
    """The messages the events service wrote about one resource, in order."""
    with psycopg.connect(settings.database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT envelope FROM events.outbox WHERE envelope->>'subject' = %s ORDER BY id", (str(subject),))]


def outbox_types(settings, subject) -> list[str]:
    return [m["type"] for m in outbox(settings, subject)]


def execute(settings, query: str, params=()) -> None:
    """A change behind the API's back (as time passing would make it), as the admin role."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(query, params)
