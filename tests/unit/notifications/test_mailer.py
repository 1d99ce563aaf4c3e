"""The email as it leaves: multipart text and HTML, a stable Message-ID, one-click unsubscribe."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from shared.config import Settings
from services.notifications import render
from services.notifications.mailer import build

SETTINGS = Settings(mail_from="Birlikte <noreply@birlikte.example>")
RECIPIENT = {"full_name": "Elif Yılmaz", "email": "elif@example.org"}
LINK = "https://notifications.example/unsubscribe/abc.def"


def notification(kind: str = "event_new", link: str | None = LINK) -> dict:
    event = {"title": "Sivil Alan", "starts": "Perşembe 25 Mart 2027 10:00 (Europe/Istanbul)", "ends_time": "12:00"}
    text = render.render(kind, "tr", {"name": "Elif", "items": [], "event": event,
                                      "link": "https://birlikte.example/events/e1"}, link)
    return {"id": uuid.uuid4(), "kind": kind, "subject": text.subject, "body_text": text.text, "body_html": text.html,
            "language": text.language, "message_id": "<n-1@birlikte.example>",
            "created_at": datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)}


def test_an_email_has_both_parts_its_language_and_a_stable_message_id():
    message = build(SETTINGS, notification(), RECIPIENT)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Message-ID"] == "<n-1@birlikte.example>" and message["Content-Language"] == "tr"
    assert message["Subject"] == "Yeni etkinlik: Sivil Alan" and message["X-Birlikte-Kind"] == "event_new"
    assert message["To"] == "Elif Yılmaz <elif@example.org>" and message["From"] == SETTINGS.mail_from
    assert message["Date"] == "Mon, 01 Mar 2027 09:00:00 +0000"
    assert "Perşembe 25 Mart 2027" in message.get_body(("plain",)).get_content()


def test_one_click_unsubscribe_headers_name_the_link_in_the_text():
    message = build(SETTINGS, notification(), RECIPIENT)
    assert message["List-Unsubscribe"] == f"<{LINK}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058


def test_an_email_without_a_link_has_no_unsubscribe_headers():
    message = build(SETTINGS, notification("digest", link=None), RECIPIENT)
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None


def test_a_text_only_email_is_one_part():
    message = build(SETTINGS, {**notification(), "body_html": None}, RECIPIENT)
    assert message.get_content_type() == "text/plain" and message["Content-Language"] == "tr"
