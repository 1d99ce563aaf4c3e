"""The registry app against the run's real database, and tokens for each kind of caller."""
from __future__ import annotations

import uuid

import pytest

from shared.db import open_pool
from services.registry.app import create_app
from tests.support.tokens import Tokens


@pytest.fixture(scope="session")
def registry_pool(settings):
    pool = open_pool(settings, "registry", min_size=2, max_size=12)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def app(settings, registry_pool):
    app = create_app(settings, pool=registry_pool)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def tokens(settings) -> Tokens:
    return Tokens(settings)


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
    import psycopg
    with psycopg.connect(settings.database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT routing_key FROM registry.outbox WHERE envelope->>'subject' = %s ORDER BY id", (str(subject),))]
