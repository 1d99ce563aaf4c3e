"""Who sees and manages which event: each kind of caller against each visibility, and the list's
SQL condition saying the same as the decision for one event."""
import uuid

import pytest

from shared.auth.principal import Principal
from shared.errors import Forbidden
from services.events import access

ORGANIZER, PARTNER, INVITED, HOST, STRANGER = (str(uuid.uuid4()) for _ in range(5))


def caller(**claims) -> Principal:
    return Principal.from_claims({"sub": claims.pop("sub", str(uuid.uuid4())), **claims})


COORDINATOR = caller(roles=["coordinator"])
ORGANIZER_ADMIN = caller(roles=["org_admin", "member"], admin_of=[ORGANIZER], member_of=[ORGANIZER])
ORGANIZER_MEMBER = caller(roles=["member"], member_of=[ORGANIZER])
INVITED_MEMBER = caller(roles=["member"], member_of=[INVITED])
HOST_MEMBER = caller(roles=["member"], member_of=[HOST])
STRANGER_MEMBER = caller(roles=["member"], member_of=[STRANGER])
WRITER_CLIENT = caller(sub="client:wheel", roles=["partner_client"], scope="events:read events:write", org=ORGANIZER)
READER_CLIENT = caller(sub="client:reader", roles=["partner_client"], scope="events:read", org=ORGANIZER)
SCOPELESS_CLIENT = caller(sub="client:none", roles=["partner_client"], org=STRANGER)
STRANGER_CLIENT = caller(sub="client:stranger", roles=["partner_client"], scope="events:read", org=STRANGER)
SYSTEM = Principal.system("calendar-import", organization=ORGANIZER)


def event(visibility="members", status="scheduled") -> dict:
    return {"organizer_ids": [uuid.UUID(ORGANIZER)], "partner_ids": [uuid.UUID(PARTNER)],
            "invited_ids": [uuid.UUID(INVITED)], "host_id": uuid.UUID(HOST), "visibility": visibility, "status": status}


@pytest.mark.parametrize("principal, manages", [
    (COORDINATOR, True), (ORGANIZER_ADMIN, True), (WRITER_CLIENT, True),
    (ORGANIZER_MEMBER, False), (READER_CLIENT, False), (INVITED_MEMBER, False), (None, False), (SYSTEM, False),
])
def test_coordinators_organizing_admins_and_their_writing_client_manage_an_event(principal, manages):
    assert access.can_manage(principal, event()) is manages


@pytest.mark.parametrize("principal, public, members, invitation, draft", [
    (None, True, False, False, False),
    (COORDINATOR, True, True, True, True),
    (ORGANIZER_ADMIN, True, True, True, True),
    (ORGANIZER_MEMBER, True, True, True, False),
    (INVITED_MEMBER, True, True, True, False),
    (HOST_MEMBER, True, True, True, False),
    (STRANGER_MEMBER, True, True, False, False),
    (READER_CLIENT, True, True, True, False),
    (SCOPELESS_CLIENT, True, False, False, False),
    (STRANGER_CLIENT, True, False, False, False),  # a partner client: public events and its own
])
def test_who_sees_an_event_of_each_visibility(principal, public, members, invitation, draft):
    seen = [access.can_see(principal, event(v)) for v in ("public", "members", "invitation")]
    assert seen == [public, members, invitation]
    assert access.can_see(principal, event(status="draft")) is draft


def test_a_stranger_registered_for_an_invitation_only_event_sees_it():
    assert not access.can_see(STRANGER_MEMBER, event("invitation"))
    assert access.can_see(STRANGER_MEMBER, event("invitation"), registered=True)
    assert not access.can_see(STRANGER_MEMBER, event("invitation", status="draft"), registered=True)


@pytest.mark.parametrize("principal, levels", [
    (None, "'public'"), (STRANGER_MEMBER, "'public', 'members'"), (READER_CLIENT, "'public'"),
    (SCOPELESS_CLIENT, "'public'"),
])
def test_the_list_condition_names_the_levels_the_caller_sees_and_their_organizations(principal, levels):
    condition, params = access.visibility_condition(principal)
    assert f"visibility IN ({levels})" in condition
    assert condition.count("%s") == len(params) == 5
    assert params[0] == sorted(access.organizations_of(principal))
    assert params[-1] == (sorted(access.organizations_of(principal)) if access.can_manage(principal, event()) else [])


def test_a_coordinator_lists_everything():
    assert access.visibility_condition(COORDINATOR) == ("TRUE", ())


def test_only_admins_of_an_organizer_with_the_right_scope_schedule_for_it():
    access.require_can_schedule_for(COORDINATOR, [STRANGER])
    access.require_can_schedule_for(ORGANIZER_ADMIN, [ORGANIZER, PARTNER])
    access.require_can_schedule_for(WRITER_CLIENT, [ORGANIZER])
    for principal, organizers in ((ORGANIZER_ADMIN, [STRANGER]), (ORGANIZER_MEMBER, [ORGANIZER]),
                                  (READER_CLIENT, [ORGANIZER]), (WRITER_CLIENT, [STRANGER])):
        with pytest.raises(Forbidden):
            access.require_can_schedule_for(principal, organizers)


def test_members_register_themselves_and_admins_their_people():
    person = uuid.uuid4()
    myself = caller(sub=str(person), roles=["member"], member_of=[ORGANIZER])
    access.require_can_register(myself, person, ORGANIZER)
    access.require_can_register(ORGANIZER_ADMIN, person, ORGANIZER)
    access.require_can_register(WRITER_CLIENT, person, ORGANIZER)
    for principal, organization in ((ORGANIZER_MEMBER, ORGANIZER), (myself, STRANGER), (READER_CLIENT, ORGANIZER)):
        with pytest.raises(Forbidden):
            access.require_can_register(principal, person, organization)


def test_an_invitation_only_event_takes_the_organizations_involved():
    access.require_invited(STRANGER_MEMBER, event("members"), STRANGER)
    access.require_invited(INVITED_MEMBER, event("invitation"), INVITED)
    access.require_invited(COORDINATOR, event("invitation"), STRANGER)
    with pytest.raises(Forbidden, match="by invitation only"):
        access.require_invited(STRANGER_MEMBER, event("invitation"), STRANGER)


def test_a_partner_client_writes_only_its_own_organization_with_the_write_scope():
    access.require_partner_writer(WRITER_CLIENT, ORGANIZER, "events")
    access.require_partner_writer(ORGANIZER_ADMIN, ORGANIZER, "feeds")
    for principal, organization in ((WRITER_CLIENT, STRANGER), (READER_CLIENT, ORGANIZER), (ORGANIZER_MEMBER, ORGANIZER)):
        with pytest.raises(Forbidden):
            access.require_partner_writer(principal, organization, "events")


def test_the_online_link_is_for_the_managers_and_the_people_registered():
    for principal in (COORDINATOR, ORGANIZER_ADMIN, WRITER_CLIENT):
        assert access.sees_online_link(principal, event(), registered=False)
    for principal in (ORGANIZER_MEMBER, READER_CLIENT, STRANGER_MEMBER, None):
        assert not access.sees_online_link(principal, event(), registered=False)
    assert access.sees_online_link(STRANGER_MEMBER, event(), registered=True)
    assert access.changes_condition(COORDINATOR) == ("TRUE", {})
    condition, params = access.changes_condition(SCOPELESS_CLIENT)
    assert "visibility IN ('public')" in condition and params == {"mine": [STRANGER]}


@pytest.mark.parametrize("principal, organization, speaks", [
    (COORDINATOR, STRANGER, True), (ORGANIZER_ADMIN, ORGANIZER, True), (ORGANIZER_ADMIN, STRANGER, False),
    (WRITER_CLIENT, ORGANIZER, True), (READER_CLIENT, ORGANIZER, False), (ORGANIZER_MEMBER, ORGANIZER, False),
    (SYSTEM, ORGANIZER, True), (SYSTEM, STRANGER, False), (Principal.system("demo"), STRANGER, True),
])
def test_only_who_speaks_for_an_organization_names_it_organizer_without_asking(principal, organization, speaks):
    assert access.speaks_for(principal, organization) is speaks


def test_the_callers_person_is_their_subject_when_it_is_a_person():
    person = uuid.uuid4()
    assert access.person_of(caller(sub=str(person))) == person
    assert access.person_of(WRITER_CLIENT) is None and access.person_of(None) is None and access.person_of(SYSTEM) is None
    with pytest.raises(Forbidden):
        access.require_person(WRITER_CLIENT, "Only people have registrations.")
