"""The registry's tests: its app over the run's database (any tier), and what they create through it."""
from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.support.services import service_fixtures

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
