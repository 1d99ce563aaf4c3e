"""A registration with its membership, and the registry's account emails in both languages."""
import pytest
from marshmallow import ValidationError

from services.registry import mail
from services.registry.schemas import PersonRegistration

PERSON = {"full_name": "Elif Kaya", "email": "elif@example.org"}


def test_a_registration_carries_its_membership_whole_or_not_at_all():
    loaded = PersonRegistration().load({**PERSON, "organization_id": "2f6a0c66-4f4e-4a39-9b0e-0b9fd1fbe0a1",
                                        "kind": "volunteer"})
    assert loaded["kind"] == "volunteer" and "is_admin" not in loaded
    assert "organization_id" not in PersonRegistration().load(PERSON)
    with pytest.raises(ValidationError, match="kind"):
        PersonRegistration().load({**PERSON, "organization_id": "2f6a0c66-4f4e-4a39-9b0e-0b9fd1fbe0a1"})
    with pytest.raises(ValidationError, match="organization_id"):
        PersonRegistration().load({**PERSON, "kind": "member", "is_admin": True})


CONTEXTS = {
    "welcome": {"name": "Elif", "email": "elif@example.org", "link": "https://birlikte.example/auth/login"},
    "invitation": {"name": "Elif", "organization": "Emek Derneği", "membership_kind": "volunteer", "is_admin": False,
                   "link": "https://birlikte.example/account"},
    "email_change": {"name": "Elif", "code": "042517", "address": "new@example.org", "minutes": 10},
    "email_changed": {"name": "Elif", "old": "old@example.org", "new": "new@example.org"},
}


@pytest.mark.parametrize("kind", sorted(CONTEXTS))
@pytest.mark.parametrize("language", ["en", "tr"])
def test_every_account_email_is_written_in_both_languages(kind, language):
    subject, text = mail.render(kind, language, **CONTEXTS[kind])
    english, _ = mail.render(kind, "en", **CONTEXTS[kind])
    assert subject and "\n" not in subject and "Elif" in text
    assert (subject == english) is (language == "en")
    for value in CONTEXTS[kind].values():
        if isinstance(value, str) and value not in ("volunteer", "Elif"):
            assert value in subject + text


@pytest.mark.parametrize("kind", ["welcome", "invitation"])
@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_web_apps_link_stands_on_a_line_of_its_own(kind, language):
    _, text = mail.render(kind, language, **CONTEXTS[kind])
    assert f"\n    {CONTEXTS[kind]['link']}\n" in text


def test_a_code_stands_on_a_line_of_its_own_and_an_invitation_names_the_kind_in_words():
    _, text = mail.render("email_change", "tr", **CONTEXTS["email_change"])
    assert "\n    042517\n" in text
    assert "gönüllü" in mail.render("invitation", "tr", **CONTEXTS["invitation"])[1]
    assert "a volunteer" in mail.render("invitation", "en", **CONTEXTS["invitation"])[1]
    as_admin = mail.render("invitation", "en", **{**CONTEXTS["invitation"], "is_admin": True})[1]
    assert "one of its admins" in " ".join(as_admin.split())
