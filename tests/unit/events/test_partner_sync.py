"""Partner sync's fingerprint: what decides that a pushed body is the same as the last one."""
import uuid
from datetime import datetime, timezone

from services.events.operations.partner_sync import fingerprint

ORGANIZER = uuid.UUID("00000000-0000-4000-8000-000000000001")


def body(**overrides) -> dict:
    fields = {"kind": "thematic_meeting", "format": "online", "title": {"en": "Good governance", "tr": "İyi yönetişim"},
              "starts_at": datetime(2027, 3, 20, 11, tzinfo=timezone.utc),
              "ends_at": datetime(2027, 3, 20, 13, tzinfo=timezone.utc), "time_zone": "Europe/Dublin",
              "organizer_ids": [ORGANIZER], "venue": None, "speakers": [{"name": "Aoife", "organization_id": ORGANIZER}],
              "status": "scheduled"}
    return {**fields, **overrides}


def test_the_same_body_has_the_same_fingerprint():
    assert fingerprint(body()) == fingerprint(body())


def test_the_order_of_keys_does_not_matter_at_any_depth():
    shuffled = dict(reversed(list(body(title={"tr": "İyi yönetişim", "en": "Good governance"}).items())))
    assert fingerprint(shuffled) == fingerprint(body())


def test_a_changed_field_changes_the_fingerprint():
    same = fingerprint(body())
    assert fingerprint(body(capacity=40)) != same
    assert fingerprint(body(ends_at=datetime(2027, 3, 20, 14, tzinfo=timezone.utc))) != same
    assert fingerprint(body(title={"en": "Good governance!", "tr": "İyi yönetişim"})) != same
    assert fingerprint(body(status="draft")) != same
