"""What notifications consumes and what it publishes, checked against the contracts."""
from __future__ import annotations

import json
import uuid

from shared import contracts
from shared.bus.consumer import check_subscriptions
from shared.config import Settings
from services.notifications import messages
from services.notifications.operations import deliveries
from services.notifications.subscriptions import subscriptions

SUBSCRIPTIONS = subscriptions(Settings(notifications_secret="unit"))


def test_every_subscribed_type_has_a_contract_and_a_handler():
    check_subscriptions("notifications", SUBSCRIPTIONS)
    assert {t.split(".")[0] for t in SUBSCRIPTIONS} == {"registry", "events", "archive"}


def test_partners_hear_of_events_and_registrations_after_the_copy_is_written():
    for type_, handlers in SUBSCRIPTIONS.items():
        if type_.startswith("events.event."):
            assert len(handlers) == 2 and handlers[-1] is deliveries.for_event, type_
        elif type_.startswith("events.registration."):
            assert len(handlers) == 2 and handlers[-1] is deliveries.for_registration, type_
        else:
            assert deliveries.for_event not in handlers and deliveries.for_registration not in handlers, type_


class Outbox:
    """A cursor whose connection records what would be written to the outbox."""

    def __init__(self):
        self.connection = self
        self.written = []

    def execute(self, _query, params):
        self.written.append(json.loads(params[2]))


def test_a_delivery_outcome_carries_only_its_contracts_fields():
    cur, notification = Outbox(), {"id": uuid.uuid4(), "recipient_id": uuid.uuid4(), "kind": "event_new",
                                   "channel": "email", "attempts": 2, "body_text": "Merhaba", "subject": "Yeni"}
    messages.email_outcome(cur, "failed", notification, "SMTPServerDisconnected")
    [envelope] = cur.written
    assert envelope["type"] == "notifications.delivery.failed" and envelope["subject"] == str(notification["id"])
    assert envelope["data"] == {"notification_id": str(notification["id"]),
                                "recipient_id": str(notification["recipient_id"]), "kind": "event_new",
                                "channel": "email", "attempts": 2, "error": "SMTPServerDisconnected"}
    assert contracts.load(envelope["type"], envelope["data"])["attempts"] == 2
