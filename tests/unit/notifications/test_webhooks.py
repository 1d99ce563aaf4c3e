"""Webhooks as partners see them: signed per Standard Webhooks (checked with its reference
library), and subscribed to events message types only."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.notifications import signing
from services.notifications.schemas import SubscriptionIn, SubscriptionPatch

PAYLOAD = {"type": "events.event.scheduled", "timestamp": "2027-01-01T10:00:00Z",
           "data": {"title": {"tr": "Sivil Alan Tartışmaları"}}}


def test_a_secret_is_24_random_bytes_in_the_whsec_format():
    one, two = signing.new_secret(), signing.new_secret()
    assert one.startswith("whsec_") and len(base64.b64decode(one.removeprefix("whsec_"))) == 24
    assert one != two


def test_a_signed_request_verifies_with_the_reference_library():
    secret = signing.new_secret()
    body, headers = signing.signed_request(secret, "msg-1", PAYLOAD, datetime.now(timezone.utc))
    assert Webhook(secret).verify(body, headers) == PAYLOAD
    assert headers["webhook-id"] == "msg-1" and headers["webhook-signature"].startswith("v1,")
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == PAYLOAD and "Tartışmaları".encode() in body  # UTF-8, not \\u escapes


def test_a_signature_fails_with_another_secret_another_body_or_another_id():
    secret = signing.new_secret()
    body, headers = signing.signed_request(secret, "msg-1", PAYLOAD, datetime.now(timezone.utc))
    for verifier, data, sent in ((Webhook(signing.new_secret()), body, headers),
                                 (Webhook(secret), body.replace(b"scheduled", b"cancelled"), headers),
                                 (Webhook(secret), body, {**headers, "webhook-id": "msg-2"})):
        with pytest.raises(WebhookVerificationError):
            verifier.verify(data, sent)


@pytest.mark.parametrize("pattern", ["events.event.*", "events.registration.created", "events.#", "events.*.cancelled",
                                     "events.event.rescheduled", "events.*"])
def test_events_message_types_and_patterns_may_be_subscribed(pattern):
    body = {"organization_id": "0b7c5a3e-8a7e-4d2b-9a55-2f4b8f0f6c11", "url": "https://partner.example/hooks",
            "event_types": [pattern]}
    assert SubscriptionIn().validate(body) == {}


@pytest.mark.parametrize("pattern", ["archive.item.*", "registry.#", "events.topic.*", "events.event.Created",
                                     "events", "events.event.", "events.event.created\n", "#"])
def test_other_message_types_are_refused(pattern):
    errors = SubscriptionPatch().validate({"event_types": [pattern]})
    assert list(errors) == ["event_types"]


def test_a_subscription_names_one_to_twenty_types_and_an_http_url():
    assert "event_types" in SubscriptionPatch().validate({"event_types": []})
    assert "event_types" in SubscriptionPatch().validate({"event_types": ["events.#"] * 21})
    assert "url" in SubscriptionPatch().validate({"url": "ftp://partner.example/hooks"})
    assert SubscriptionPatch().validate({"url": "http://partner-host:8080/hooks"}) == {}  # no TLD needed
