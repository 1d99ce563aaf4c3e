"""Passkeys (WebAuthn, with the `webauthn` library): a signed-in person adds one, then signs in
with it instead of an emailed code.

Each ceremony takes two steps: options carrying a fresh challenge, then the authenticator's
response, verified against that challenge. The challenge is kept here (passkey_challenges), never
taken from the client; the browser holds only the row's id, and a challenge is used up by the
response that names it. The relying party is the registry's configured public URL: its host is
the RP id and its origin the only one accepted, whatever Host header a request came with.

Sign-in is usernameless: passkeys are discoverable credentials, so the authenticator says which
one it used, and the registry finds its person from that.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import webauthn
from webauthn.helpers import parse_authentication_credential_json, parse_registration_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (AuthenticatorSelectionCriteria, AuthenticatorTransport,
                                      CredentialDeviceType, PublicKeyCredentialDescriptor, ResidentKeyRequirement,
                                      UserVerificationRequirement)

from shared import rows
from shared.auth.principal import Principal
from shared.config import Settings
from shared.errors import Invalid, NotFound, unique
from services.registry import queries

RP_NAME = "Birlikte"
CEREMONY_SECONDS = 300
DEFAULT_PORTS = {"http": 80, "https": 443}


def relying_party(settings: Settings) -> tuple[str, str]:
    """(RP id, origin) of the registry's public URL, as a browser names them."""
    url = urlsplit(settings.registry_url)
    port = f":{url.port}" if url.port and url.port != DEFAULT_PORTS[url.scheme] else ""
    return url.hostname, f"{url.scheme}://{url.hostname}{port}"


def _refused(detail: str) -> Invalid:
    return Invalid("Passkey not accepted", detail)


# --- Adding one ---------------------------------------------------------------------------------

def registration_options(cur, settings: Settings, person: dict) -> tuple[str, str]:
    """(challenge id, options JSON) for the browser to create a passkey for `person`; the
    passkeys they have already are excluded, so one authenticator is not registered twice."""
    rp_id, _origin = relying_party(settings)
    options = webauthn.generate_registration_options(
        rp_id=rp_id, rp_name=RP_NAME, user_id=person["id"].bytes, user_name=person["email"],
        user_display_name=person["full_name"], timeout=CEREMONY_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[_descriptor(p) for p in queries.passkeys_of(cur, person["id"])])
    return _remember(cur, "register", person["id"], options.challenge), webauthn.options_to_json(options)


def add(cur, settings: Settings, actor: Principal, challenge_id: str | None, credential, name: str) -> dict:
    """Keep the passkey the browser created, once its response proves it answered our challenge
    for this person on our origin; Invalid otherwise."""
    name = " ".join(str(name or "").split())
    if not 1 <= len(name) <= 100:
        raise Invalid("Name the passkey", "Give the passkey a name of up to 100 characters.",
                      errors={"name": ["Give it a name of up to 100 characters, such as the device it is on."]})
    challenge = _take(cur, challenge_id, "register")
    if challenge is None or challenge["person_id"] != actor.person_id:
        raise _refused("This passkey was not made for a request of yours that is still open; try again.")
    rp_id, origin = relying_party(settings)
    try:
        parsed = parse_registration_credential_json(credential)
        verified = webauthn.verify_registration_response(
            credential=parsed, expected_challenge=challenge["challenge"], expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError) as exc:
        raise _refused(str(exc)) from None
    transports = parsed.response.transports or []
    with unique("This passkey is registered already."):
        return rows.insert(cur, "passkeys", {
            "person_id": actor.person_id, "credential_id": verified.credential_id,
            "public_key": verified.credential_public_key, "sign_count": verified.sign_count,
            "transports": [t.value for t in transports], "name": name,
            "synced": verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE})


def remove(cur, actor: Principal, passkey_id) -> dict:
    """A person removes one of their own passkeys; anyone else's is not found."""
    cur.execute("DELETE FROM passkeys WHERE id = %s AND person_id = %s RETURNING *", (passkey_id, actor.person_id))
    removed = cur.fetchone()
    if removed is None:
        raise NotFound("Passkey not found", f"You have no passkey with the id {passkey_id}.")
    return removed


# --- Signing in with one ------------------------------------------------------------------------

def sign_in_options(cur, settings: Settings) -> tuple[str, str]:
    """(challenge id, options JSON) for the browser to ask any of its passkeys for us."""
    rp_id, _origin = relying_party(settings)
    options = webauthn.generate_authentication_options(
        rp_id=rp_id, timeout=CEREMONY_SECONDS * 1000, user_verification=UserVerificationRequirement.PREFERRED)
    return _remember(cur, "sign_in", None, options.challenge), webauthn.options_to_json(options)


def sign_in(cur, settings: Settings, challenge_id: str | None, credential) -> dict:
    """The passkey that signed our challenge, its count moved on, with the session's `amr`.
    Invalid for an unknown or removed passkey, one that is not the person's the authenticator
    names, an inactive person, a challenge not open, another origin, and a sign count that did
    not move forward (a copied authenticator, or a replayed response)."""
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError) as exc:
        raise _refused(str(exc)) from None
    challenge, passkey = _take(cur, challenge_id, "sign_in"), _passkey_for_update(cur, parsed.raw_id)
    if challenge is None:
        raise _refused("This sign-in was not started here or has expired; try again.")
    if passkey is None or parsed.response.user_handle not in (None, passkey["person_id"].bytes):
        raise _refused("This passkey is not registered with Birlikte, or was removed.")
    rp_id, origin = relying_party(settings)
    try:
        verified = webauthn.verify_authentication_response(
            credential=parsed, expected_challenge=challenge["challenge"], expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=passkey["public_key"],
            credential_current_sign_count=passkey["sign_count"])
    except (WebAuthnException, ValueError) as exc:
        raise _refused(str(exc)) from None
    cur.execute("UPDATE passkeys SET sign_count = %s, last_used_at = now() WHERE id = %s RETURNING *",
                (verified.new_sign_count, passkey["id"]))
    return {**cur.fetchone(), "amr": _methods(passkey, verified.user_verified)}


def _methods(passkey: dict, user_verified: bool) -> list[str]:
    """RFC 8176: a key the device keeps (hwk) or one synced by its provider (swk), the user's
    presence (always required), and a second factor when the authenticator verified them."""
    return ["swk" if passkey["synced"] else "hwk", "user"] + (["mfa"] if user_verified else [])


def _passkey_for_update(cur, credential_id: bytes) -> dict | None:
    """The active person's passkey; locked, so two responses with one count cannot both pass."""
    cur.execute("""SELECT k.* FROM passkeys k JOIN people p ON p.id = k.person_id
                   WHERE k.credential_id = %s AND p.status = 'active' FOR UPDATE OF k""", (credential_id,))
    return cur.fetchone()


# --- Challenges ---------------------------------------------------------------------------------

def _remember(cur, purpose: str, person_id, challenge: bytes) -> str:
    """Keep a new ceremony's challenge (and forget the ones that expired unanswered); its id."""
    cur.execute("DELETE FROM passkey_challenges WHERE expires_at < now()")
    row = rows.insert(cur, "passkey_challenges", {
        "purpose": purpose, "person_id": person_id, "challenge": challenge,
        "expires_at": rows.now() + timedelta(seconds=CEREMONY_SECONDS)})
    return str(row["id"])


def _take(cur, challenge_id: str | None, purpose: str) -> dict | None:
    """The open challenge of this purpose, used up; None when there is none (anymore)."""
    try:
        challenge_id = uuid.UUID(str(challenge_id))
    except ValueError:
        return None
    cur.execute("DELETE FROM passkey_challenges WHERE id = %s AND purpose = %s AND expires_at > now() RETURNING *",
                (challenge_id, purpose))
    return cur.fetchone()


def _descriptor(passkey: dict) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(t) for t in passkey["transports"]]
    return PublicKeyCredentialDescriptor(id=passkey["credential_id"], transports=transports or None)
