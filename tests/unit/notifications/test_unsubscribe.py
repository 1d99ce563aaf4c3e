"""Signed one-click unsubscribe links: what they say comes back; anything else is refused."""
from __future__ import annotations

import uuid

import pytest

from shared.config import ConfigError, Settings
from services.notifications import unsubscribe
from services.notifications.errors import InvalidLink

SETTINGS = Settings(notifications_secret="unit-secret", public_url="https://notifications.example/")


def test_a_token_says_who_and_from_what():
    person = uuid.uuid4()
    token = unsubscribe.token(SETTINGS, person, "event_new")
    assert unsubscribe.read(SETTINGS, token) == (str(person), "event_new")
    assert unsubscribe.url(SETTINGS, person, "event_new") == f"https://notifications.example/unsubscribe/{token}"


def _other_signature(token: str) -> str:
    """The token with the first character of its signature changed (a character whose bits all count)."""
    at = token.rindex(".") + 1
    return token[:at] + ("B" if token[at] == "A" else "A") + token[at + 1:]


@pytest.mark.parametrize("tamper", [
    _other_signature,
    lambda t: t[: len(t) // 2],                                    # cut short
    lambda t: "x" + t,                                             # the payload changed
    lambda t: "",
])
def test_a_tampered_token_is_refused(tamper):
    token = unsubscribe.token(SETTINGS, uuid.uuid4(), "event_new")
    with pytest.raises(InvalidLink):
        unsubscribe.read(SETTINGS, tamper(token))


def test_a_token_signed_with_another_secret_is_refused():
    token = unsubscribe.token(SETTINGS.replace(notifications_secret="another"), uuid.uuid4(), "event_new")
    with pytest.raises(InvalidLink):
        unsubscribe.read(SETTINGS, token)


def test_the_service_will_not_start_without_its_signing_secret():
    with pytest.raises(ConfigError, match="BIRLIKTE_NOTIFICATIONS_SECRET"):
        unsubscribe.require_secret(SETTINGS.replace(notifications_secret=None))
    unsubscribe.require_secret(SETTINGS)
