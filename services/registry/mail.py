"""The registry's own emails, sent by its worker (a separate path from the notifications service's
fan-outs, so that a code never waits behind them): sign-in codes the moment a person asks, codes
that confirm a new email address, and account emails — a welcome inviting a person someone
registered to sign in, an invitation to join an organization, a notice to the old address that the
address changed.

Codes go first, all that are due at each round; account emails follow, one batch per round, so that
a bulk registration never holds a code back. Each email is composed when it is sent, from the
records as they are then: what no longer applies (an invitation answered, a person deactivated or
already signed in before their welcome) is skipped, not sent.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from psycopg import sql

from shared import leases
from shared.config import Settings
from shared.mail import Mailer
from services.registry.operations import people, sign_in

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates" / "mail"
LANGUAGES = ("tr", "en")
BATCH = 20
LEASE_SECONDS = 30.0  # an email that failed is tried again this soon (a code lives minutes)
ACCOUNT_TRIES = 5     # an account email that the server refused this often is given up (status failed)
_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=False)

ACCOUNT_EMAILS = leases.Due("account_emails", when="status = 'pending' AND send_after <= now()", order="send_after",
                            claim="status = 'sending', attempts = attempts + 1", claimed="status = 'sending'")


def render(kind: str, language: str, **context) -> tuple[str, str]:
    """(subject, text) of an email in the language, English for one we do not write in."""
    template = _env.get_template(f"{language if language in LANGUAGES else 'en'}/{kind}.txt")
    first, _, body = template.render(**context).strip().partition("\n")
    return first.removeprefix("Subject: ").strip(), body.strip() + "\n"


def build(settings: Settings, recipient: dict, subject: str, text: str, kind: str = "account") -> EmailMessage:
    """The email; `kind` in X-Birlikte-Kind (sign_in, email_change, account) for mail rules and
    the development mail catcher, which says sign-in codes out loud."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    # Address() refuses a name with a line break in it: a name cannot add headers
    message["To"] = Address(display_name=" ".join(recipient["full_name"].split()), addr_spec=recipient["email"])
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2].rstrip(">") or None)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Birlikte-Kind"] = kind
    message.set_content(text)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One sort of email: its due rows, how one is composed — (recipient, subject, text), or None when
    it no longer applies — inside the transaction that holds its row, and what settles it."""
    due: leases.Due
    compose: Callable
    kind: str = "account"
    sent: str = "status = 'sent', sent_at = now()"
    skipped: str = "status = 'skipped'"
    failed: Callable | None = None  # (conn, row) after a refusal by the mail server


def send_due(pool, settings: Settings) -> int:
    """Send what is due: every code asked for, then one batch of account emails; how many emails were
    dealt with (sent, or skipped as no longer applying). The worker's timer."""
    handled = 0
    for outgoing in (SIGN_IN, EMAIL_CODE):
        handled += leases.drain(pool, outgoing.due, lambda batch, o=outgoing: _send_batch(pool, settings, o, batch),
                                batch=BATCH, lease_seconds=LEASE_SECONDS)
    with pool.connection() as conn:
        batch = leases.claim(conn, ACCOUNT.due, BATCH, LEASE_SECONDS)
    return handled + (_send_batch(pool, settings, ACCOUNT, batch) if batch else 0)


def _send_batch(pool, settings: Settings, outgoing: Outgoing, batch: list[dict]) -> int:
    mailer, handled = Mailer(settings), 0
    try:
        for row in batch:
            handled += _send_one(pool, settings, mailer, outgoing, row)
    finally:
        mailer.close()
    return handled


def _settle(conn, outgoing: Outgoing, row: dict, assignments: str) -> None:
    conn.execute(sql.SQL("UPDATE {} SET {} WHERE id = %s AND claimed_at = %s AND status = 'sending'").format(
        sql.Identifier(outgoing.due.table), sql.SQL(assignments)), (row["id"], row["claimed_at"]))


def _send_one(pool, settings: Settings, mailer: Mailer, outgoing: Outgoing, row: dict) -> int:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        if not leases.hold(conn, outgoing.due, row):
            return 0
        composed = outgoing.compose(cur, settings, row)
        if composed is None:
            _settle(conn, outgoing, row, outgoing.skipped)
            return 1
    recipient, subject, text = composed
    try:
        mailer.send(build(settings, recipient, subject, text, outgoing.kind))
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        mailer.close()
        log.warning("registry email not accepted; tried again shortly",
                    extra={"error": f"{type(exc).__name__}", "table": outgoing.due.table})
        if outgoing.failed:
            with pool.connection() as conn:
                outgoing.failed(conn, row)
        return 0
    with pool.connection() as conn:
        _settle(conn, outgoing, row, outgoing.sent)
    return 1


# --- Codes ----------------------------------------------------------------------------------------

def _sign_in(cur, settings: Settings, request: dict):
    cur.execute("SELECT full_name, email FROM people WHERE id = %s", (request["person_id"],))
    person = cur.fetchone()
    code, link = sign_in.make_secrets(cur, settings, request["id"])
    subject, text = render("sign_in", request["language"], name=person["full_name"], code=code,
                           link=f"{settings.registry_url.rstrip('/')}/signin/link?token={link}",
                           minutes=settings.sign_in_code_seconds // 60)
    return person, subject, text


def _email_code(cur, settings: Settings, change: dict):
    cur.execute("SELECT full_name, preferred_language, status FROM people WHERE id = %s", (change["person_id"],))
    person = cur.fetchone()
    code = people.make_email_code(cur, settings, change["id"])
    subject, text = render("email_change", person["preferred_language"], name=person["full_name"], code=code,
                           address=change["new_email"], minutes=settings.sign_in_code_seconds // 60)
    return {"full_name": person["full_name"], "email": change["new_email"]}, subject, text


SIGN_IN = Outgoing(sign_in.DUE, _sign_in, kind="sign_in")
EMAIL_CODE = Outgoing(people.EMAIL_CODES, _email_code, kind="email_change")


# --- Account emails ---------------------------------------------------------------------------------

def _welcome(cur, settings: Settings, person: dict, email: dict):
    cur.execute("""SELECT EXISTS (SELECT 1 FROM sign_in_requests WHERE person_id = %(id)s)
                       OR EXISTS (SELECT 1 FROM sessions WHERE person_id = %(id)s) AS signed_in""",
                {"id": person["id"]})
    if cur.fetchone()["signed_in"]:
        return None  # they found their way in already
    return person, *render("welcome", person["preferred_language"], name=person["full_name"], email=person["email"],
                           link=f"{settings.web_url.rstrip('/')}/auth/login")  # the web app, through sign-in


def _invitation(cur, settings: Settings, person: dict, email: dict):
    cur.execute("""SELECT m.kind, m.is_admin, m.status, o.name AS organization, o.status AS organization_status
                   FROM memberships m JOIN organizations o ON o.id = m.organization_id WHERE m.id = %s""",
                (email["membership_id"],))
    invitation = cur.fetchone()
    if invitation["status"] != "invited" or invitation["organization_status"] != "active":
        return None  # answered, withdrawn, or the organization is gone
    return person, *render("invitation", person["preferred_language"], name=person["full_name"],
                           organization=invitation["organization"], membership_kind=invitation["kind"],
                           is_admin=invitation["is_admin"], link=f"{settings.web_url.rstrip('/')}/account")


def _email_changed(cur, settings: Settings, person: dict, email: dict):
    return {"full_name": person["full_name"], "email": email["address"]}, *render(
        "email_changed", person["preferred_language"], name=person["full_name"], old=email["address"],
        new=person["email"])


ACCOUNT_KINDS = {"welcome": _welcome, "invitation": _invitation, "email_changed": _email_changed}


def _account(cur, settings: Settings, email: dict):
    cur.execute("SELECT * FROM people WHERE id = %s", (email["person_id"],))
    person = cur.fetchone()
    if person["status"] != "active":
        return None
    return ACCOUNT_KINDS[email["kind"]](cur, settings, person, email)


def _account_failed(conn, email: dict) -> None:
    """Refused too often: given up, so that it is not claimed again at every lease."""
    if email["attempts"] >= ACCOUNT_TRIES:
        _settle(conn, ACCOUNT, email, "status = 'failed'")


ACCOUNT = Outgoing(ACCOUNT_EMAILS, _account, failed=_account_failed)
