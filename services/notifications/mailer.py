"""A notification as an email: multipart text + HTML, a stable Message-ID, one-click unsubscribe
headers (sent by shared/mail.py)."""
from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from shared.config import Settings

ONE_CLICK = "List-Unsubscribe=One-Click"


def build(settings: Settings, notification: dict, recipient: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = Address(display_name=one_line(recipient["full_name"]), addr_spec=recipient["email"])
    message["Subject"] = one_line(notification["subject"])
    message["Message-ID"] = notification["message_id"]
    message["Date"] = format_datetime(notification["created_at"])
    message["X-Birlikte-Kind"] = notification["kind"]
    link = _unsubscribe_link(notification["body_text"])
    if link:
        message["List-Unsubscribe"] = f"<{link}>"
        message["List-Unsubscribe-Post"] = ONE_CLICK  # RFC 8058: a POST to the link unsubscribes
    message.set_content(notification["body_text"])
    if notification["body_html"]:
        message.add_alternative(notification["body_html"], subtype="html")
    message["Content-Language"] = notification["language"]  # after the body: set_content clears Content-*
    return message


def one_line(text: str) -> str:
    """Text for a header: every line break and run of white space one space (a name is the
    person's own words; a line break in it must not end the header and start another)."""
    return " ".join(text.split())


def _unsubscribe_link(text: str) -> str | None:
    _, separator, footer = text.rpartition("\n-- \n")
    if not separator:
        return None
    return footer.strip().rpartition(": ")[2] or None
