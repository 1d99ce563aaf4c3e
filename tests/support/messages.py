"""Messages from the other services, handed to a service exactly as its consumer would hand them.

`Deliveries` runs a message through the service's own consumer (`Consumer.handle`): the payload
loaded through its contract, every handler its subscriptions list for the type, in one
transaction with the inbox row (so a payload that breaks its contract fails the test). The
builders make registry- and events-shaped payloads, so a test says only what matters to it.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from services import service
from shared.bus.consumer import Consumer
from shared.bus.envelope import make_envelope


class Deliveries:
    def __init__(self, settings, name: str, pool):
        self.settings, self.pool = settings, pool
        self.consumer = Consumer(settings, name, pool, service(name).subscriptions(settings))

    def deliver(self, type_: str, data: dict, *, source: str | None = None, envelope: dict | None = None) -> dict:
        """Deliver a message (or `envelope` again, as a broker's redelivery would); the envelope."""
        envelope = envelope or make_envelope(type_, json.loads(json.dumps(data, default=str)),  # as it travels
                                             source=source or f"urn:birlikte:{type_.split('.')[0]}",
                                             subject=str(data.get("id")))
        self.consumer.handle(envelope)
        return envelope

    def organization(self, *, action="created", name=None, country="TR", roles=("participant",), status="active",
                     version=1, id=None) -> dict:
        org_id = id or str(uuid.uuid4())
        data = {"id": org_id, "name": name or f"Örgüt {org_id[:6]}", "kind": "association", "country": country,
                "city": None, "roles": list(roles), "focus_areas": [], "status": status, "version": version}
        self.deliver(f"registry.organization.{action}", data)
        return data

    def person(self, *, action="created", language="tr", time_zone="Europe/Istanbul", consent_contact=True,
               consent_recording=False, status="active", version=1, id=None, full_name=None) -> dict:
        person_id = id or str(uuid.uuid4())
        data = {"id": person_id, "full_name": full_name or f"Kişi {person_id[:6]}",
                "email": f"{person_id[:12]}@example.org", "preferred_language": language, "time_zone": time_zone,
                "consent_contact": consent_contact, "consent_recording": consent_recording, "status": status,
                "version": version}
        self.deliver(f"registry.person.{action}", data)
        return data

    def membership(self, person_id, organization_id, *, admin=False, status="active", id=None) -> dict:
        data = {"id": id or str(uuid.uuid4()), "organization_id": str(organization_id), "person_id": str(person_id),
                "kind": "member", "is_admin": admin, "status": status}
        self.deliver(f"registry.membership.{'ended' if status == 'ended' else 'created'}", data)
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

    def registration(self, event: dict, person, action="created", *, status="registered", id=None, position=None,
                     attendance=None, organization_id=None) -> dict:
        data = {"id": id or str(uuid.uuid4()), "event_id": event["id"],
                "person_id": person["id"] if isinstance(person, dict) else str(person),
                "organization_id": str(organization_id or uuid.uuid4()), "status": status,
                "waitlist_position": position, "attendance": attendance}
        self.deliver(f"events.registration.{action}", data)
        return data
