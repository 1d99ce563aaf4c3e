"""Message contracts, both ways: what a producer may publish, what a consumer reads, and that every
subscription of every service names a type with a contract."""
import uuid
from datetime import datetime, timezone

import pytest

from services import ALL
from shared import contracts
from shared.bus.consumer import check_subscriptions
from shared.bus.envelope import InvalidEnvelope, make_envelope, parse_envelope, read_message
from shared.config import Settings

SETTINGS = Settings(notifications_secret="unit")


def _organization(**changes) -> dict:
    return {"id": uuid.uuid4(), "name": "The Wheel", "kind": "umbrella", "country": "IE", "city": "Dublin",
            "roles": ["partner_umbrella"], "focus_areas": ["civil_society"], "status": "active", "version": 3,
            **changes}


def test_publishing_dumps_only_the_contracts_fields_json_ready():
    row = {**_organization(), "description": "not for the bus", "created_at": datetime.now(timezone.utc)}
    dumped = contracts.dump("registry.organization.created", row)
    assert set(dumped) == {"id", "name", "kind", "country", "city", "roles", "focus_areas", "status", "version"}
    assert dumped["id"] == str(row["id"])


def test_a_payload_breaking_its_contract_is_refused_where_it_is_written():
    with pytest.raises(contracts.ContractError, match="registry.organization.created"):
        contracts.dump("registry.organization.created", {k: v for k, v in _organization().items() if k != "name"})


def test_a_type_without_a_contract_can_be_neither_published_nor_read():
    with pytest.raises(contracts.ContractError, match="no contract"):
        contracts.dump("registry.organization.exploded", _organization())
    with pytest.raises(contracts.ContractError, match="no contract"):
        contracts.load("registry.organization.exploded", {})


def test_a_consumer_reads_uuids_and_times_and_skips_fields_it_does_not_know():
    sent = contracts.dump("events.event.rescheduled", {
        "id": uuid.uuid4(), "kind": "thematic_meeting", "format": "online", "title": {"en": "Governance"},
        "starts_at": datetime(2027, 3, 28, 9, tzinfo=timezone.utc), "ends_at": datetime(2027, 3, 28, 11, tzinfo=timezone.utc),
        "time_zone": "Europe/Dublin", "status": "rescheduled", "visibility": "members", "organizer_ids": [uuid.uuid4()],
        "host_id": None, "partner_ids": [], "series_id": None, "topics": [], "online_url": None, "capacity": None,
        "sequence": 1, "version": 2, "previous_starts_at": datetime(2027, 3, 21, 9, tzinfo=timezone.utc),
        "previous_ends_at": datetime(2027, 3, 21, 11, tzinfo=timezone.utc)})
    loaded = contracts.load("events.event.rescheduled", {**sent, "added_by_a_newer_release": True})
    assert isinstance(loaded["id"], uuid.UUID) and isinstance(loaded["organizer_ids"][0], uuid.UUID)
    assert loaded["previous_starts_at"] == datetime(2027, 3, 21, 9, tzinfo=timezone.utc)
    assert "added_by_a_newer_release" not in loaded


def test_a_received_message_that_breaks_its_contract_is_an_invalid_envelope():
    envelope = make_envelope("registry.person.created", {"id": "not a uuid"}, source="urn:test")
    with pytest.raises(InvalidEnvelope, match="breaks its contract"):
        read_message(parse_envelope(envelope))


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"id": "x"}', b'{"id": "1", "source": "s", "type": "t", "specversion": "0.3"}'])
def test_what_is_not_a_cloudevent_is_refused(body):
    with pytest.raises(InvalidEnvelope):
        parse_envelope(body)


@pytest.mark.parametrize("described", ALL, ids=[s.name for s in ALL])
def test_every_subscription_names_a_type_with_a_contract_and_a_handler(described):
    subscriptions = described.subscriptions(SETTINGS)
    check_subscriptions(described.name, subscriptions)  # what the consumer checks when it is made
    assert all(contracts.known(t) for t in subscriptions)
    own = f"{described.name}."
    assert not [t for t in subscriptions if t.startswith(own)], "a service does not consume its own messages"


def test_a_subscription_to_an_unknown_type_is_an_error_at_start():
    with pytest.raises(contracts.ContractError, match="registry.person.vanished"):
        check_subscriptions("test", {"registry.person.vanished": [lambda cur, message: None]})
    with pytest.raises(ValueError, match="no handler"):
        check_subscriptions("test", {"registry.person.created": []})


def test_each_services_contracts_are_kept_in_its_own_module_under_its_name():
    """Types are named after their producer (`<service>.<entity>.<action>`) and their contracts live in
    shared/contracts/<service>.py: a consumer knows whom it depends on, a producer what it promised."""
    shipped = {t: contracts._SCHEMAS[t].__class__.__module__ for t in contracts.types()
               if contracts._SCHEMAS[t].__class__.__module__.startswith("shared.contracts.")}
    wrong = [t for t, module in shipped.items() if module.rsplit(".", 1)[1] != t.split(".")[0] or t.count(".") < 2]
    assert wrong == [] and {m.rsplit(".", 1)[1] for m in shipped.values()} <= {s.name for s in ALL}
