"""Passkeys against the real database, with responses made by a software authenticator written
here (an EC P-256 key, "none" attestation, signed assertions): adding one, signing in with it,
and what is refused — a sign count that did not move on (a clone or a replay), another
challenge, origin or relying party, another person's passkey, a removed one."""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import struct
import uuid
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from shared.auth.principal import Principal
from shared.errors import Invalid, NotFound
from services.registry import queries
from services.registry.operations import passkeys, sessions

UP, UV, AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """A passkey on a device: one EC P-256 key, a credential id, a counter, the person's handle."""

    def __init__(self, origin: str, count: int = 0):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.origin, self.count, self.user_handle = origin, count, None

    def _client_data(self, kind: str, options: dict, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": options["challenge"], "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.count) + attested

    def create(self, options_json: str, *, origin: str | None = None) -> dict:
        """navigator.credentials.create(): a registration response with "none" attestation."""
        options = json.loads(options_json)
        self.user_handle = unb64(options["user"]["id"])
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        auth_data = self._auth_data(options["rp"]["id"], UP | UV | AT, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64(self._client_data("webauthn.create", options, origin)),
                             "attestationObject": b64(attestation), "transports": ["internal"]}}

    def get(self, options_json: str, *, origin: str | None = None, rp_id: str | None = None,
            user_handle: bytes | None = None) -> dict:
        """navigator.credentials.get(): the counter moves on, the challenge is signed."""
        options = json.loads(options_json)
        self.count += 1
        auth_data = self._auth_data(rp_id or options["rpId"], UP | UV)
        client_data = self._client_data("webauthn.get", options, origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64(client_data), "authenticatorData": b64(auth_data),
                             "signature": b64(signature), "userHandle": b64(user_handle or self.user_handle)}}

    def cloned(self) -> "Authenticator":
        """A copy of this authenticator's key, whose counter has stayed where it was copied."""
        copy = Authenticator(self.origin, self.count)
        copy.key, copy.credential_id, copy.user_handle = self.key, self.credential_id, self.user_handle
        return copy


@pytest.fixture
def run(registry_pool):
    """Each call in a transaction of its own, as a request has: committed, or rolled back on a refusal."""
    def call(operation, *args):
        with registry_pool.connection() as conn, conn.cursor() as cur:
            return operation(cur, *args)
    return call


def new_person(run) -> dict:
    """Someone in the registry (written directly: these tests are about passkeys, not registration)."""
    return run(lambda cur: cur.execute(
        "INSERT INTO people (full_name, email, preferred_language) VALUES (%s, %s, 'en') RETURNING *",
        (f"Elif Kaya {uuid.uuid4().hex[:6]}", f"{uuid.uuid4().hex[:10]}@example.org")).fetchone())


@pytest.fixture
def person(run):
    return new_person(run)


def actor(person) -> Principal:
    return Principal(subject=str(person["id"]))


@pytest.fixture
def origin(settings) -> str:
    return passkeys.relying_party(settings)[1]


def add(run, settings, person, device: Authenticator, name: str = "Work laptop") -> dict:
    challenge, options = run(passkeys.registration_options, settings, person)
    return run(passkeys.add, settings, actor(person), challenge, device.create(options), name)


def sign_in(run, settings, device: Authenticator, **response) -> dict:
    challenge, options = run(passkeys.sign_in_options, settings)
    return run(passkeys.sign_in, settings, challenge, device.get(options, **response))


def test_a_person_adds_a_passkey_and_signs_in_with_it_instead_of_an_email_code(run, settings, person, origin):
    device = Authenticator(origin)
    challenge, options = run(passkeys.registration_options, settings, person)
    offered = json.loads(options)
    assert offered["rp"] == {"id": "127.0.0.1", "name": "Birlikte"}  # the configured registry URL's host
    assert offered["authenticatorSelection"]["residentKey"] == "required"  # discoverable: no address to type
    assert unb64(offered["user"]["id"]) == person["id"].bytes and offered["excludeCredentials"] == []
    added = run(passkeys.add, settings, actor(person), challenge, device.create(options), "  Work   laptop ")
    assert added["name"] == "Work laptop" and added["transports"] == ["internal"]
    assert added["credential_id"] == device.credential_id and added["last_used_at"] is None

    used = sign_in(run, settings, device)
    assert used["person_id"] == person["id"] and used["amr"] == ["hwk", "user", "mfa"]
    assert used["sign_count"] == 1 and used["last_used_at"] is not None
    [kept] = run(queries.passkeys_of, person["id"])
    assert kept["sign_count"] == 1
    # the next registration leaves out the authenticator already registered
    _challenge, again = run(passkeys.registration_options, settings, person)
    assert [unb64(c["id"]) for c in json.loads(again)["excludeCredentials"]] == [device.credential_id]


def test_a_sign_count_that_did_not_move_on_is_refused_as_a_clone_or_a_replay(run, settings, person, origin):
    device = Authenticator(origin)
    add(run, settings, person, device)
    copy = device.cloned()
    for _ in range(3):
        sign_in(run, settings, device)
    with pytest.raises(Invalid, match="sign count"):
        sign_in(run, settings, copy)  # the copy's counter is behind the original's
    challenge, options = run(passkeys.sign_in_options, settings)
    response = device.get(options)
    run(passkeys.sign_in, settings, challenge, response)
    with pytest.raises(Invalid):  # the same response again: its challenge is used up
        run(passkeys.sign_in, settings, challenge, response)
    challenge, options = run(passkeys.sign_in_options, settings)
    device.count -= 1  # a response whose count equals the one seen last
    with pytest.raises(Invalid, match="sign count"):
        run(passkeys.sign_in, settings, challenge, device.get(options))
    assert run(queries.passkeys_of, person["id"])[0]["sign_count"] == 4


def test_another_challenge_origin_or_relying_party_is_refused(run, settings, person, origin):
    device = Authenticator(origin)
    challenge, options = run(passkeys.registration_options, settings, person)
    with pytest.raises(Invalid, match="origin"):
        run(passkeys.add, settings, actor(person), challenge, device.create(options, origin="https://evil.example"),
            "Phone")
    _other, other_options = run(passkeys.registration_options, settings, person)
    with pytest.raises(Invalid, match="challenge"):  # signed for another ceremony than the one named
        run(passkeys.add, settings, actor(person), challenge, device.create(other_options), "Phone")
    add(run, settings, person, device)

    challenge, options = run(passkeys.sign_in_options, settings)
    _other, other_options = run(passkeys.sign_in_options, settings)
    with pytest.raises(Invalid, match="challenge"):
        run(passkeys.sign_in, settings, challenge, device.get(other_options))
    with pytest.raises(Invalid, match="origin"):
        sign_in(run, settings, device, origin="http://127.0.0.1:9999")
    with pytest.raises(Invalid, match="RP ID"):
        sign_in(run, settings, device, rp_id="evil.example")
    registering, options = run(passkeys.registration_options, settings, person)
    with pytest.raises(Invalid, match="not started here"):  # a registration's challenge does not sign in
        run(passkeys.sign_in, settings, registering, device.get(options, rp_id="127.0.0.1"))
    with pytest.raises(Invalid, match="not started here"):
        run(passkeys.sign_in, settings, None, device.get(other_options))


def test_another_persons_passkey_is_not_accepted_nor_removed_by_them(run, settings, person, origin):
    device = Authenticator(origin)
    mine = add(run, settings, person, device)
    other = new_person(run)
    with pytest.raises(Invalid, match="not registered"):  # the authenticator says it belongs to someone else
        sign_in(run, settings, device, user_handle=other["id"].bytes)
    challenge, options = run(passkeys.registration_options, settings, person)
    with pytest.raises(Invalid, match="not made for a request of yours"):  # started by one, finished by another
        run(passkeys.add, settings, actor(other), challenge, Authenticator(origin).create(options), "Mine now")
    with pytest.raises(NotFound):
        run(passkeys.remove, actor(other), mine["id"])
    assert [p["id"] for p in run(queries.passkeys_of, person["id"])] == [mine["id"]]


def test_a_removed_passkey_and_a_deactivated_persons_passkey_no_longer_sign_in(run, settings, person, origin):
    device = Authenticator(origin)
    mine = add(run, settings, person, device)
    assert run(passkeys.remove, actor(person), mine["id"])["id"] == mine["id"]
    with pytest.raises(Invalid, match="not registered"):
        sign_in(run, settings, device)
    leaving, theirs = new_person(run), Authenticator(origin)
    add(run, settings, leaving, theirs)
    run(lambda cur: cur.execute("UPDATE people SET status = 'inactive' WHERE id = %s", (leaving["id"],)))
    with pytest.raises(Invalid, match="not registered"):
        sign_in(run, settings, theirs)


GARBLED = {"id": "AA", "rawId": "AA", "type": "public-key", "response": {
    name: "!!" for name in ("clientDataJSON", "authenticatorData", "signature", "attestationObject", "userHandle")}}


@pytest.mark.parametrize("credential", [None, {}, "not json", GARBLED], ids=["none", "empty", "text", "garbled"])
def test_malformed_responses_are_refused_with_a_reason_not_an_error(run, settings, person, credential):
    challenge, _options = run(passkeys.sign_in_options, settings)
    with pytest.raises(Invalid):
        run(passkeys.sign_in, settings, challenge, credential)
    registering, _options = run(passkeys.registration_options, settings, person)
    with pytest.raises(Invalid):
        run(passkeys.add, settings, actor(person), registering, credential, "Phone")


def test_a_passkey_needs_a_name(run, settings, person, origin):
    challenge, options = run(passkeys.registration_options, settings, person)
    with pytest.raises(Invalid) as refused:
        run(passkeys.add, settings, actor(person), challenge, Authenticator(origin).create(options), "   ")
    assert "name" in refused.value.errors


def test_a_coordinator_without_a_passkey_is_asked_to_add_one(run, settings, person, origin):
    coordinator = new_person(run)
    run(lambda cur: cur.execute("INSERT INTO role_grants (person_id, role, granted_by) VALUES (%s, 'coordinator', %s)",
                                (coordinator["id"], "test")))
    assert run(queries.asked_for_a_passkey, coordinator["id"]) is True
    assert run(queries.asked_for_a_passkey, person["id"]) is False  # not a coordinator: not asked
    add(run, settings, coordinator, Authenticator(origin))
    assert run(queries.asked_for_a_passkey, coordinator["id"]) is False


# --- Through the registry's pages: CSRF, the session it starts, the configured origin ----------

def _browser(app):
    """A browser at a client address of its own: its sign-in attempts count against no one else's limit."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    return browser


def _csrf(page) -> str:
    return re.search(r'data-csrf="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_pages_sign_in_with_a_passkey_and_start_a_session_whatever_the_host_header(
        app, settings, run, person, origin):
    device = Authenticator(origin)
    add(run, settings, person, device)
    elsewhere = _browser(app)
    page = elsewhere.get("/signin", headers={"Host": "attacker.example"})
    options = elsewhere.post("/passkeys/sign-in/options", json={},
                             headers={"Host": "attacker.example", "X-CSRFToken": _csrf(page)})
    assert options.status_code == 200 and options.json["rpId"] == "127.0.0.1"  # the configured URL's, not Host's

    browser = _browser(app)
    page = browser.get("/signin?continue=/account&lang=en")
    assert b"Sign in with a passkey" in page.data and b"passkeys.js" in page.data
    refused = browser.post("/passkeys/sign-in/options", json={})
    assert refused.status_code == 400  # no CSRF token
    headers = {"X-CSRFToken": _csrf(page)}
    assert browser.post("/passkeys/registration/options", json={}, headers=headers).status_code == 403  # no one yet
    junk = browser.post("/passkeys/sign-in", json=["junk"], headers=headers)
    assert junk.status_code == 422 and junk.content_type == "application/problem+json"
    options = browser.post("/passkeys/sign-in/options", json={}, headers=headers)
    assert options.status_code == 200 and options.headers["Cache-Control"] == "no-store"
    done = browser.post("/passkeys/sign-in", headers=headers,
                        json={"credential": device.get(options.get_data(as_text=True)), "continue": "/account"})
    assert done.status_code == 200 and done.json == {"location": "/account"}
    cookie = browser.get_cookie("birlikte_session")
    session_id, _dot, secret = cookie.value.partition(".")
    live = run(sessions.resume, uuid.UUID(session_id), secret)
    assert live["person_id"] == person["id"] and live["amr"] == ["hwk", "user", "mfa"]
    account = browser.get("/account")
    assert account.status_code == 200 and b"Work laptop" in account.data


def test_the_account_page_adds_and_removes_a_passkey(app, settings, run, person, origin):
    browser = app.test_client()
    started, secret = run(lambda cur: sessions.start(cur, settings, person["id"], ["otp"], user_agent=None,
                                                     address=None))
    browser.set_cookie("birlikte_session", f"{started['id']}.{secret}")
    page = browser.get("/account")  # in the person's language, English
    assert b"You have no passkeys yet." in page.data
    headers = {"X-CSRFToken": _csrf(page)}
    options = browser.post("/passkeys/registration/options", json={}, headers=headers)
    device = Authenticator(origin)
    added = browser.post("/passkeys/registration", headers=headers,
                         json={"credential": device.create(options.get_data(as_text=True)), "name": "Phone"})
    assert added.status_code == 201 and added.json == {"location": "/account"}
    page = browser.get("/account")
    assert b"Passkey added." in page.data and b"Phone" in page.data
    [kept] = run(queries.passkeys_of, person["id"])
    removed = browser.post(f"/account/passkeys/{kept['id']}/remove", data={"csrf_token": _csrf(page)})
    assert removed.status_code == 303 and removed.headers["Location"].endswith("/account")
    assert run(queries.passkeys_of, person["id"]) == []
    again = browser.post(f"/account/passkeys/{kept['id']}/remove", data={"csrf_token": _csrf(page)})
    assert again.status_code == 404 and b"Passkey not found" in again.data  # a page, not JSON, for the form
