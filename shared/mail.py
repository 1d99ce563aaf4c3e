"""Sending email over SMTP (the notifications service's mail, the registry's sign-in codes)."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr

from shared.config import Settings


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
