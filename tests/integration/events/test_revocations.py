"""A revocation in the registry reaches another service's API for tokens already issued: its
consumer copies the registry's message, and the API refuses the token within seconds — an ended
session, a deactivated person, a withdrawn role or membership, a revoked partner client."""
from __future__ import annotations

import math
import time
import uuid
from datetime import datetime

import pytest

from tests.support.tokens import Tokens

WITHIN = 3.0  # seconds: each API process reads the revocations at most once a second


def eventually(check, timeout: float = WITHIN) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def bearer(tokens: Tokens, subject: str, **claims) -> dict:
    return {"Authorization": f"Bearer {tokens.issuer.issue(subject, **claims)}"}


def status(client, headers) -> int:
    return client.get("/me/registrations", headers=headers).status_code


def test_an_ended_session_stops_its_tokens_and_only_its_own(client, tokens, deliveries):
    person, session, other_session = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    ended = bearer(tokens, person, roles=("member",), sid=session)
    still = bearer(tokens, person, roles=("member",), sid=other_session)
    assert status(client, ended) == status(client, still) == 200
    deliveries.deliver("registry.session.ended", {"id": session, "person_id": person, "reason": "signed out"},
                       source="urn:birlikte:registry")
    assert eventually(lambda: status(client, ended) == 401)
    assert "revoked" in client.get("/me/registrations", headers=ended).get_json()["detail"]
    assert status(client, still) == 200


def test_a_deactivated_person_and_a_revoked_client_are_refused(client, tokens, deliveries):
    person, client_id = str(uuid.uuid4()), f"bk_{uuid.uuid4().hex[:10]}"
    theirs = bearer(tokens, person, roles=("member",))
    partner = bearer(tokens, f"client:{client_id}", roles=("partner_client",), scopes=("events:read",),
                     organization=str(uuid.uuid4()))
    assert client.get("/feed", headers=partner).status_code == 200
    deliveries.person(id=person, action="deactivated", status="inactive", version=2)
    deliveries.deliver("registry.client.revoked", {"id": str(uuid.uuid4()), "client_id": client_id,
                                                   "organization_id": str(uuid.uuid4()), "name": "The Wheel sync",
                                                   "scopes": ["events:read"], "status": "revoked"})
    assert eventually(lambda: status(client, theirs) == 401)
    assert eventually(lambda: client.get("/feed", headers=partner).status_code == 401)


@pytest.mark.parametrize("message", ["registry.role.withdrawn", "registry.membership.ended"])
def test_a_withdrawn_right_refuses_older_tokens_but_not_the_next_one(client, tokens, deliveries, message):
    """The registry dates the token it issues after the change no earlier than the second after it."""
    person = str(uuid.uuid4())
    before = bearer(tokens, person, roles=("coordinator",))
    data = ({"id": str(uuid.uuid4()), "person_id": person, "role": "coordinator", "status": "withdrawn"}
            if message == "registry.role.withdrawn" else
            {"id": str(uuid.uuid4()), "organization_id": str(uuid.uuid4()), "person_id": person, "kind": "member",
             "is_admin": True, "status": "ended"})
    envelope = deliveries.deliver(message, data)
    assert eventually(lambda: status(client, before) == 401)
    changed_at = datetime.fromisoformat(envelope["time"].replace("Z", "+00:00")).timestamp()
    after = bearer(tokens, person, roles=("member",), iat=math.ceil(changed_at))
    assert status(client, after) == 200
