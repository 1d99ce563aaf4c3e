"""Who reads and manages what in the archive: the decisions alone, over the facts a view looks up."""
import uuid

import pytest

from shared.auth.principal import Principal
from shared.errors import Forbidden
from services.archive import access

ORGANIZER, OTHER = str(uuid.uuid4()), str(uuid.uuid4())
PARTICIPANT = str(uuid.uuid4())
CALLERS = {
    "anonymous": None,
    "partner client": Principal.from_claims({"sub": "client:wheel", "roles": ["partner_client"]}),
    "partner client with archive:read": Principal.from_claims(
        {"sub": "client:wheel", "roles": ["partner_client"], "scope": "archive:read"}),
    "other organization's member": Principal.from_claims({"sub": str(uuid.uuid4()), "roles": ["member"],
                                                          "member_of": [OTHER]}),
    "participant": Principal.from_claims({"sub": PARTICIPANT, "roles": ["member"], "member_of": [OTHER]}),
    "other organization's admin": Principal.from_claims({"sub": str(uuid.uuid4()), "roles": ["org_admin"],
                                                         "admin_of": [OTHER]}),
    "organizer admin": Principal.from_claims({"sub": str(uuid.uuid4()), "roles": ["org_admin"],
                                              "admin_of": [ORGANIZER]}),
    "coordinator": Principal.from_claims({"sub": str(uuid.uuid4()), "roles": ["coordinator"]}),
    "system actor": Principal.system("events"),
}
ITEMS = {
    "public": {"status": "published", "visibility": "public"},
    "members": {"status": "published", "visibility": "members"},
    "participants": {"status": "published", "visibility": "participants"},
    "draft": {"status": "draft", "visibility": "public"},
    "withdrawn": {"status": "withdrawn", "visibility": "public"},
}
EVERYTHING = set(ITEMS)
READS = {
    "anonymous": {"public"},
    "partner client": {"public"},
    "partner client with archive:read": {"public", "members"},
    "other organization's member": {"public", "members"},
    "participant": {"public", "members", "participants"},
    "other organization's admin": {"public", "members"},
    "organizer admin": EVERYTHING,
    "coordinator": EVERYTHING,
    "system actor": {"public"},
}
MANAGERS = {"organizer admin", "coordinator"}


@pytest.mark.parametrize("caller", CALLERS)
def test_who_reads_which_item(caller):
    principal = CALLERS[caller]
    readable = {name for name, item in ITEMS.items()
                if access.can_read(principal, item, owners={ORGANIZER}, participant=caller == "participant")}
    assert readable == READS[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_only_coordinators_and_the_owners_admins_manage(caller):
    assert access.can_manage(CALLERS[caller], {ORGANIZER}) == (caller in MANAGERS)
    if caller not in MANAGERS and CALLERS[caller] is not None:
        with pytest.raises(Forbidden):
            access.require_manager(CALLERS[caller], {ORGANIZER})


def test_a_partner_client_manages_nothing_even_if_its_token_names_an_organization_it_administers():
    partner = Principal.from_claims({"sub": "client:x", "roles": ["partner_client"], "admin_of": [ORGANIZER]})
    assert not access.can_manage(partner, {ORGANIZER})
    assert access.findable(partner).admin_of == ()


def test_creating_needs_a_coordinator_or_an_admin_of_one_of_the_items_organizations():
    access.require_can_create(CALLERS["coordinator"], [uuid.uuid4()])
    access.require_can_create(CALLERS["organizer admin"], [uuid.uuid4(), uuid.UUID(ORGANIZER)])
    with pytest.raises(Forbidden):
        access.require_can_create(CALLERS["other organization's member"], [uuid.UUID(OTHER)])


def test_what_each_caller_finds_in_lists():
    assert access.findable(CALLERS["coordinator"]) is None
    anonymous = access.findable(None)
    assert (anonymous.visibilities, anonymous.person, anonymous.admin_of) == (("public",), None, ())
    participant = access.findable(CALLERS["participant"])
    assert participant.visibilities == ("public", "members") and participant.person == uuid.UUID(PARTICIPANT)
    assert access.findable(CALLERS["organizer admin"]).admin_of == (ORGANIZER,)
    assert access.findable(CALLERS["partner client with archive:read"]).visibilities == ("public", "members")


def test_only_a_person_signed_in_is_someone_who_can_take_part():
    assert access.person_of(CALLERS["participant"]) == uuid.UUID(PARTICIPANT)
    for caller in ("anonymous", "partner client", "system actor"):
        assert access.person_of(CALLERS[caller]) is None
