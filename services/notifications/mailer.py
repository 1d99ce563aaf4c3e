"""Email over SMTP: multipart text + HTML, a stable Message-ID, one-click unsubscribe headers."""
from __future__ import annotations

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from shared.config import Settings

ONE_CLICK = "List-Unsubscribe=One-Click"


def build(settings: Settings, notification: dict, recipient: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = Address(display_name=recipient["full_name"], addr_spec=recipient["email"])
    message["Subject"] = notification["subject"]
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


def _unsubscribe_link(text: str) -> str | None:
    _, separator, footer = text.rpartition("\n-- \n")
    if not separator:
        return None
    return footer.strip().rpartition(": ")[2] or None


class Mailer:
    """One SMTP connection, opened on first use and reused for a batch."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        envelope_from = parseaddr(self.settings.mail_from)[1]
        self.smtp.send_message(message, from_addr=envelope_from)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        if s.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=s.smtp_ca_file))
        if s.smtp_username:
            smtp.login(s.smtp_username, s.smtp_password or "")
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None
