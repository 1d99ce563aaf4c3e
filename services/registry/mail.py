"""The registry's own emails: sign-in codes, sent by its worker the moment a person asks (a
separate path from the notifications service's fan-outs, so a code never waits behind them)."""
from __future__ import annotations

import logging
import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shared import leases
from shared.config import Settings
from shared.mail import Mailer
from services.registry.operations import sign_in

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates" / "mail"
LANGUAGES = ("tr", "en")
BATCH = 20
LEASE_SECONDS = 30.0  # a sign-in email that failed is tried again this soon (its code lives minutes)
_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=False)


def render(kind: str, language: str, **context) -> tuple[str, str]:
    """(subject, text) of an email in the language, English for one we do not write in."""
    template = _env.get_template(f"{language if language in LANGUAGES else 'en'}/{kind}.txt")
    first, _, body = template.render(**context).strip().partition("\n")
    return first.removeprefix("Subject: ").strip(), body.strip() + "\n"


def build(settings: Settings, recipient: dict, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    # Address() refuses a name with a line break in it: a name cannot add headers
    message["To"] = Address(display_name=" ".join(recipient["full_name"].split()), addr_spec=recipient["email"])
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2].rstrip(">") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message


def send_due(pool, settings: Settings) -> int:
    """Send every sign-in email asked for and not sent yet; how many went out. The worker's timer."""
    return leases.drain(pool, sign_in.DUE, lambda batch: _send_batch(pool, settings, batch), batch=BATCH,
                        lease_seconds=LEASE_SECONDS)


def _send_batch(pool, settings: Settings, batch: list[dict]) -> int:
    mailer, sent = Mailer(settings), 0
    try:
        for request in batch:
            sent += _send_one(pool, settings, mailer, request)
    finally:
        mailer.close()
    return sent


def _send_one(pool, settings: Settings, mailer: Mailer, request: dict) -> int:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        if not leases.hold(conn, sign_in.DUE, request):
            return 0
        cur.execute("SELECT full_name, email FROM people WHERE id = %s", (request["person_id"],))
        person = cur.fetchone()
        code, link = sign_in.make_secrets(cur, settings, request["id"])
    subject, text = render("sign_in", request["language"], name=person["full_name"], code=code,
                           link=f"{settings.registry_url.rstrip('/')}/signin/link?token={link}",
                           minutes=settings.sign_in_code_seconds // 60)
    try:
        mailer.send(build(settings, person, subject, text))
    except (smtplib.SMTPException, OSError) as exc:
        mailer.close()
        log.warning("sign-in email not accepted; tried again shortly", extra={"error": f"{type(exc).__name__}"})
        return 0
    with pool.connection() as conn:
        conn.execute("UPDATE sign_in_requests SET status = 'sent', sent_at = now() WHERE id = %s AND status = 'sending'",
                     (request["id"],))
    return 1
