"""People of the member organizations: registered (an admin registers new people for their own
organization: the person and their membership together), welcomed by email, changed, their address
changed once the new address confirmed a code, deactivated (their sessions end, their tokens stop).

A change of address is a pending change until confirmed: the registry's worker emails a code to the
new address (made when sent, kept only as a keyed hash, valid BIRLIKTE_SIGN_IN_CODE_SECONDS; five
wrong codes lock it); the code makes the change, publishes registry.person.updated, and tells the
old address. A welcome waits WELCOME_DELAY_SECONDS, so that a registration corrected at once (a
deactivation, a wrong address) sends nothing, and is skipped for a person who signed in by then.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from shared import errors, leases, rows
from shared.auth import revocations
from shared.auth.principal import Principal
from shared.config import Settings
from shared.versions import ANY, Precondition
from services.registry import queries, store
from services.registry.errors import NoCodeExpected, NotActive, WrongCode
from services.registry.operations import organizations, sessions
from services.registry.operations.sign_in import CODE_DIGITS, keyed

CODE_TRIES = 5
WELCOME_DELAY_SECONDS = 300
OPEN = ("pending", "sending", "sent")
EMAIL_CODES = leases.Due("email_changes", when="status = 'pending'", order="created_at",
                         claim="status = 'sending'", claimed="status = 'sending'", eligible="expires_at > now()")


def _unique_email(data: dict):
    return errors.unique(f"A person with the email {data.get('email')!r} is already registered.")


def register(cur, actor: Principal, data: dict, membership: dict | None = None) -> dict:
    """The person; with `membership` (organization_id, kind, …), their membership of that organization
    too, under `membership` in the answer. Someone who registers a person gets them welcomed by email;
    the platform's own imports and demo do not."""
    if membership:
        organizations.require_active(cur, membership["organization_id"])
    existing = queries.person_with_email(cur, data["email"])
    if existing is not None:  # their id, so that an admin can invite them instead (POST /memberships)
        raise errors.Conflict("Already exists", f"A person with the email {data['email']!r} is already registered; "
                              "invite them to the organization instead.", person_id=str(existing["id"]))
    person = store.register(cur, "person", data, _unique_email(data))
    if membership:
        person["membership"] = store.register(cur, "membership", {**membership, "person_id": person["id"]})
    if not actor.is_system:
        rows.insert(cur, "account_emails", {
            "kind": "welcome", "person_id": person["id"],
            "send_after": rows.now() + timedelta(seconds=WELCOME_DELAY_SECONDS)}, skip_existing=True)
    return person


def change(cur, actor: Principal, settings: Settings, person_id, changes: dict, precondition: Precondition) -> dict:
    """Details or consents; the new state reaches the other services (language, zone, consents). A new
    email address is not taken at once: it waits for its code (`pending_email` in the answer)."""
    changes = dict(changes)
    email = changes.pop("email", None)
    row = store.change(cur, "person", person_id, changes, precondition, _unique_email)
    if email is not None and email != row["email"]:
        request_email_change(cur, actor, settings, row, email)
    return {**row, "pending_email": queries.pending_email(cur, person_id)}


def request_email_change(cur, actor: Principal, settings: Settings, person: dict, email: str) -> dict:
    """A pending change to `email`, superseding any before it; the worker sends its code to `email`."""
    if person["status"] != "active":
        raise NotActive("person", person)
    if queries.email_taken(cur, email, person["id"]):
        raise errors.Conflict("Already exists", f"A person with the email {email!r} is already registered.")
    cur.execute("UPDATE email_changes SET status = 'superseded', code_hash = NULL "
                "WHERE person_id = %s AND status = ANY(%s)", (person["id"], list(OPEN)))
    with errors.unique("Another change of this address was asked for at the same moment; ask again."):
        return rows.insert(cur, "email_changes", {
            "person_id": person["id"], "new_email": email, "requested_by": actor.subject,
            "expires_at": rows.now() + timedelta(seconds=settings.sign_in_code_seconds)})


def make_email_code(cur, settings: Settings, change_id) -> str:
    """The worker, about to send: a fresh code for the change, its keyed hash stored."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    cur.execute("UPDATE email_changes SET code_hash = %s WHERE id = %s", (keyed(settings, f"email:{code}"), change_id))
    return code


def confirm_email(cur, actor: Principal, settings: Settings, person_id, code: str) -> dict:
    """The code sent to the new address makes the change. A wrong code counts a try (WrongCode: the
    caller keeps that write), and the fifth locks the change."""
    cur.execute("SELECT * FROM email_changes WHERE person_id = %s AND status = 'sent' FOR UPDATE", (person_id,))
    change = cur.fetchone()
    if change is None or change["expires_at"] <= rows.now():
        raise NoCodeExpected()
    if not hmac.compare_digest(change["code_hash"], keyed(settings, "email:" + "".join(code.split()))):
        tries = change["attempts"] + 1
        locked = tries >= CODE_TRIES
        cur.execute("UPDATE email_changes SET attempts = %s, status = %s, code_hash = CASE WHEN %s THEN NULL "
                    "ELSE code_hash END WHERE id = %s", (tries, "locked" if locked else "sent", locked, change["id"]))
        raise WrongCode(tries_left=CODE_TRIES - tries)
    old = rows.load(cur, "people", person_id, "person")
    person = store.change(cur, "person", person_id, {"email": change["new_email"]}, ANY, _unique_email)
    cur.execute("UPDATE email_changes SET status = 'confirmed', confirmed_at = now(), code_hash = NULL WHERE id = %s",
                (change["id"],))
    if old["email"].lower() != person["email"].lower():
        rows.insert(cur, "account_emails", {"kind": "email_changed", "person_id": person_id, "address": old["email"]})
    return {**person, "pending_email": None}


def deactivate(cur, actor: Principal, person_id, precondition: Precondition) -> dict:
    """Their history stays; they can take part in nothing new. Every session ends, and every token
    they hold stops, here and in every service."""
    row = store.close(cur, "person", person_id, "inactive", precondition)
    sessions.end_all(cur, actor, person_id, "person deactivated")
    revocations.record(cur, str(person_id), "person deactivated")
    cur.execute("UPDATE email_changes SET status = 'cancelled', code_hash = NULL "
                "WHERE person_id = %s AND status = ANY(%s)", (person_id, list(OPEN)))
    return row


def require_active(cur, person_id) -> dict:
    person = rows.load(cur, "people", person_id, "person")
    if person["status"] != "active":
        raise NotActive("person", person)
    return person
