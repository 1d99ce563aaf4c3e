"""Who may use the inbox, preferences and webhooks: pure decisions over the caller."""
from __future__ import annotations

import pytest

from shared.auth.principal import Principal
from shared.errors import Forbidden
from services.notifications import access

ORG, OTHER = "0b7c5a3e-8a7e-4d2b-9a55-2f4b8f0f6c11", "5d1f3c2e-1111-4d2b-9a55-2f4b8f0f6c22"


def person(**claims) -> Principal:
    return Principal.from_claims({"sub": "9f0c2b1e-2222-4d2b-9a55-2f4b8f0f6c33", **claims})


COORDINATOR = person(roles=["coordinator"])
ADMIN = person(roles=["org_admin", "member"], admin_of=[ORG], member_of=[ORG])
MEMBER = person(roles=["member"], member_of=[ORG])
CLIENT = Principal.from_claims({"sub": "client:bk_1", "roles": ["partner_client"], "org": ORG,
                                "scope": "events:read notifications:webhooks"})
CLIENT_WITHOUT_SCOPE = Principal.from_claims({"sub": "client:bk_2", "roles": ["partner_client"], "org": ORG,
                                              "scope": "events:read"})


def allowed(decision, *args) -> bool:
    try:
        decision(*args)
    except Forbidden:
        return False
    return True


@pytest.mark.parametrize("decision", [access.require_inbox_owner, access.require_preferences_owner])
def test_inboxes_and_preferences_belong_to_people_not_to_api_clients(decision):
    assert allowed(decision, MEMBER) and allowed(decision, COORDINATOR) and allowed(decision, person())
    assert not allowed(decision, CLIENT)


def test_an_organizations_webhooks_are_managed_by_its_admins_coordinators_and_own_clients_with_the_scope():
    assert allowed(access.require_webhook_owner, COORDINATOR, ORG)
    assert allowed(access.require_webhook_owner, ADMIN, ORG)
    assert allowed(access.require_webhook_owner, CLIENT, ORG)
    assert not allowed(access.require_webhook_owner, ADMIN, OTHER)
    assert not allowed(access.require_webhook_owner, MEMBER, ORG)
    assert not allowed(access.require_webhook_owner, CLIENT, OTHER)
    assert not allowed(access.require_webhook_owner, CLIENT_WITHOUT_SCOPE, ORG)


def test_listing_webhooks_needs_the_scope_of_a_client_and_nothing_of_a_person():
    assert allowed(access.require_webhook_reader, CLIENT) and allowed(access.require_webhook_reader, MEMBER)
    assert not allowed(access.require_webhook_reader, CLIENT_WITHOUT_SCOPE)


def test_each_caller_sees_the_subscriptions_of_their_own_organizations():
    assert access.webhook_organizations(COORDINATOR) is None  # all of them
    assert access.webhook_organizations(person(roles=["org_admin"], admin_of=[OTHER, ORG])) == sorted([ORG, OTHER])
    assert access.webhook_organizations(CLIENT) == [ORG]
    assert access.webhook_organizations(MEMBER) == []
    assert access.webhook_organizations(Principal.from_claims({"sub": "client:x", "roles": ["partner_client"]})) == []
