"""The registry's pure decisions: who attaches a person directly and who only invites them, who answers,
sees and ends an invitation, who registers people for which organization, and when a role may go."""
import uuid

import pytest

from shared.auth.principal import Principal
from shared.errors import Forbidden
from services.registry import access
from services.registry.operations.roles import may_withdraw

ORG, OTHER = str(uuid.uuid4()), str(uuid.uuid4())
PERSON = str(uuid.uuid4())


def caller(**claims) -> Principal:
    return Principal.from_claims({"sub": claims.pop("sub", str(uuid.uuid4())), **claims})


COORDINATOR = caller(roles=["coordinator"])
ADMIN = caller(roles=["org_admin", "member"], admin_of=[ORG], member_of=[ORG])
MEMBER = caller(roles=["member"], member_of=[ORG])
OTHER_ADMIN = caller(roles=["org_admin", "member"], admin_of=[OTHER], member_of=[OTHER])
THE_PERSON = caller(sub=PERSON)
CLIENT = caller(sub="client:wheel", roles=["partner_client"], scope="registry:read", org=ORG)
DEMO = Principal.system("demo")


def membership(status="invited") -> dict:
    return {"id": uuid.uuid4(), "organization_id": uuid.UUID(ORG), "person_id": uuid.UUID(PERSON), "status": status}


@pytest.mark.parametrize("principal, already_in, needs", [
    (COORDINATOR, False, False), (DEMO, False, False),
    (ADMIN, False, True),   # someone from elsewhere: only with their consent
    (ADMIN, True, False),   # one of theirs already: another kind of membership gives no new right
])
def test_who_attaches_directly_and_who_invites(principal, already_in, needs):
    assert access.membership_needs_consent(principal, already_in) is needs


def test_only_the_person_invited_answers_an_invitation():
    access.require_invitee(THE_PERSON, membership())
    for other in (COORDINATOR, ADMIN, OTHER_ADMIN, CLIENT):
        with pytest.raises(Forbidden):
            access.require_invitee(other, membership())


@pytest.mark.parametrize("status", ["invited", "declined", "withdrawn"])
def test_an_invitation_never_accepted_is_seen_by_its_organizations_admins_and_the_person(status):
    for allowed in (COORDINATOR, ADMIN, THE_PERSON):
        access.require_can_see_membership(allowed, membership(status))
    for refused in (MEMBER, OTHER_ADMIN, CLIENT):
        with pytest.raises(Forbidden):
            access.require_can_see_membership(refused, membership(status))


def test_an_accepted_membership_is_seen_by_the_organizations_members_too():
    access.require_can_see_membership(MEMBER, membership("active"))
    with pytest.raises(Forbidden):
        access.require_can_see_membership(OTHER_ADMIN, membership("ended"))


def test_a_membership_is_ended_by_its_organizations_admins_coordinators_and_the_person_leaving():
    for allowed in (COORDINATOR, ADMIN, THE_PERSON):
        access.require_can_end_membership(allowed, membership("active"))
    for refused in (MEMBER, OTHER_ADMIN):
        with pytest.raises(Forbidden):
            access.require_can_end_membership(refused, membership("active"))


def test_an_admin_registers_people_only_for_an_organization_they_administer():
    access.require_can_register_person(COORDINATOR, None)
    access.require_can_register_person(COORDINATOR, OTHER)
    access.require_can_register_person(ADMIN, ORG)
    for principal, organization in ((ADMIN, None), (ADMIN, OTHER), (MEMBER, ORG), (CLIENT, ORG)):
        with pytest.raises(Forbidden):
            access.require_can_register_person(principal, organization)


def test_an_account_is_reached_with_a_persons_own_token_only():
    assert access.require_person(THE_PERSON) == uuid.UUID(PERSON)
    for other in (CLIENT, DEMO, caller(sub="dev-coordinator", roles=["coordinator"])):
        with pytest.raises(Forbidden):
            access.require_person(other)


def test_the_last_coordinator_keeps_the_role():
    assert may_withdraw("coordinator", other_holders=1)
    assert not may_withdraw("coordinator", other_holders=0)
