"""The events service's tests: its app over the run's database (any tier), the registry's facts
handed to its consumer, and what they create through the API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from tests.support.services import service_fixtures

events_pool, app, client, deliveries = service_fixtures("events", pool_max=40)


class Community:
    """Registry facts as the events service learns them: registry messages handed to its consumer."""

    def __init__(self, deliveries):
        self.deliveries = deliveries

    def organization(self, **fields) -> str:
        return self.deliveries.organization(**fields)["id"]

    def deactivate(self, org_id: str, version: int = 2) -> None:
        self.deliveries.organization(action="deactivated", id=org_id, status="inactive", version=version)

    def person(self, organization_id=None, *, time_zone="Europe/Istanbul", admin=False, status="active") -> str:
        person_id = self.deliveries.person(time_zone=time_zone, status=status)["id"]
        if organization_id:
            self.membership(person_id, organization_id, admin=admin)
        return person_id

    def membership(self, person_id, organization_id, *, admin=False, status="active") -> str:
        return self.deliveries.membership(person_id, organization_id, admin=admin, status=status)["id"]


@pytest.fixture(scope="session")
def community(deliveries) -> Community:
    return Community(deliveries)


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


def propose(client, tokens, org, title="İnsan kaynakları yönetimi", tags=("hr_management",)):
    response = client.post("/topics", json={"title": {"tr": title}, "tags": list(tags), "organization_id": org},
                           headers=tokens.member_of(org))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def placement_body(participant, home, host, **overrides) -> dict:
    body = {"participant_id": participant, "home_organization_id": home, "host_organization_id": host,
            "starts_on": "2027-05-03", "ends_on": "2027-05-14",
            "goals": "Gönüllü yönetimi uygulamalarını yerinde gözlemlemek."}
    body.update(overrides)
    return body
