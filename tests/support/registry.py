"""The registry's tests: its app over the run's database (any tier), and what they create through it."""
from __future__ import annotations

import uuid

import time

import psycopg
import pytest

from services.registry import mail
from tests.support.services import service_fixtures
from tests.support.smtp import SmtpServer

registry_pool, app, client, deliveries = service_fixtures("registry")


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:8]}"


def organization_body(**overrides) -> dict:
    body = {"name": unique("Emek Dayanışma Derneği"), "kind": "association", "country": "TR",
            "city": "İstanbul", "languages": ["tr"], "focus_areas": ["workers_rights"],
            "roles": ["participant"], "website": "https://emek.example.org"}
    body.update(overrides)
    return body


def person_body(**overrides) -> dict:
    body = {"full_name": unique("Elif Kaya"), "email": f"{uuid.uuid4().hex[:10]}@example.org",
            "preferred_language": "tr", "time_zone": "Europe/Istanbul", "consent_contact": True}
    body.update(overrides)
    return body


@pytest.fixture
def create_organization(client, tokens):
    def create(**overrides) -> dict:
        response = client.post("/organizations", json=organization_body(**overrides), headers=tokens.coordinator())
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return create


@pytest.fixture
def create_person(client, tokens):
    def create(**overrides) -> dict:
        response = client.post("/people", json=person_body(**overrides), headers=tokens.coordinator())
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return create


def outbox_types(settings, subject) -> list[str]:
    """The message types the registry wrote for one resource, in order."""
    with psycopg.connect(settings.database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT routing_key FROM registry.outbox WHERE envelope->>'subject' = %s ORDER BY id", (str(subject),))]


def bearer(tokens, person_id, **claims) -> dict:
    """A person's bearer header, as the registry would issue it (claims such as `sid`, `member_of`)."""
    return {"Authorization": f"Bearer {tokens.issuer.issue(str(person_id), **claims)}"}


def join(client, tokens, organization, person, kind="member", is_admin=False) -> dict:
    """A coordinator attaches the person directly (no invitation)."""
    response = client.post("/memberships", headers=tokens.coordinator(), json={
        "organization_id": organization["id"], "person_id": person["id"], "kind": kind, "is_admin": is_admin})
    assert response.status_code == 201 and response.get_json()["status"] == "active", response.get_json()
    return response.get_json()


def eventually(check, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    return check()


def rows_of(settings, query: str, *params) -> list[tuple]:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="session")
def registry_smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(registry_smtp):
    return registry_smtp.mailbox


@pytest.fixture
def deliver(registry_pool, settings, registry_smtp):
    """The registry worker's mail timer, run until nothing more is due (every round sends one batch of
    account emails)."""
    mail_settings = settings.replace(smtp_host="127.0.0.1", smtp_port=registry_smtp.port)

    def run() -> None:
        for _ in range(1000):
            if not mail.send_due(registry_pool, mail_settings):
                return
    return run
