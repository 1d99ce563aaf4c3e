"""A person's own account through the API: who they are and what their tokens say, their sessions
(signing devices out), a change of email address confirmed by a code sent to the new address, and the
welcome email of a person someone registered."""
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services import service
from shared.auth.principal import Principal
from shared.auth.tokens import TokenIssuer
from services.registry.operations import people, sessions
from tests.conftest import keypair
from tests.support.identity import code_in
from tests.support.registry import bearer, eventually, join, outbox_types, person_body, rows_of


@pytest.fixture
def person(create_person):
    return create_person(preferred_language="en")


def _session(registry_pool, settings, person, agent="Firefox") -> dict:
    with registry_pool.connection() as conn, conn.cursor() as cur:
        started, _secret = sessions.start(cur, settings, person["id"], ["otp"], user_agent=agent, address="192.0.2.1")
    return started


# --- Who one is --------------------------------------------------------------------------------------

def test_me_is_the_person_and_their_claims_as_they_are_now(client, tokens, person, create_organization):
    organization = create_organization()
    join(client, tokens, organization, person, is_admin=True)
    me = client.get("/me", headers=bearer(tokens, person["id"]))  # a token that does not know of it yet
    assert me.status_code == 200
    body = me.get_json()
    assert body["person"]["id"] == person["id"] and body["person"]["email"] == person["email"]
    assert body["member_of"] == body["admin_of"] == [organization["id"]]
    assert body["roles"] == ["org_admin", "member"]
    assert client.get("/me", headers=tokens.partner(organization["id"], "registry:read")).status_code == 403
    assert client.get("/me", headers=tokens.coordinator()).status_code == 404  # a token of no registered person
    assert client.get("/me").status_code == 401


# --- Sessions ----------------------------------------------------------------------------------------

def test_a_person_sees_their_sessions_and_signs_one_device_out(client, tokens, person, create_person, registry_pool,
                                                               settings):
    laptop, phone = _session(registry_pool, settings, person), _session(registry_pool, settings, person, "Phone")
    on_laptop, on_phone = bearer(tokens, person["id"], sid=str(laptop["id"])), \
        bearer(tokens, person["id"], sid=str(phone["id"]))
    listed = client.get("/me/sessions", headers=on_laptop).get_json()["items"]
    assert {s["id"]: s["current"] for s in listed} == {str(laptop["id"]): True, str(phone["id"]): False}
    assert {s["user_agent"] for s in listed} == {"Firefox", "Phone"} and listed[0]["amr"] == ["otp"]

    someone_else = _session(registry_pool, settings, create_person())
    assert client.post(f"/me/sessions/{someone_else['id']}/end", headers=on_laptop).status_code == 404
    ended = client.post(f"/me/sessions/{phone['id']}/end", headers=on_laptop)
    assert ended.status_code == 200 and ended.get_json()["ended_at"]
    assert [s["id"] for s in client.get("/me/sessions", headers=on_laptop).get_json()["items"]] == [str(laptop["id"])]
    assert eventually(lambda: client.get("/me", headers=on_phone).status_code == 401)  # that device's token stops
    assert client.get("/me", headers=on_laptop).status_code == 200
    assert outbox_types(settings, phone["id"]) == ["registry.session.ended"]


def test_signing_out_everywhere_ends_every_session_and_their_tokens(client, tokens, person, registry_pool, settings):
    started = [_session(registry_pool, settings, person) for _ in range(3)]
    token = bearer(tokens, person["id"], sid=str(started[0]["id"]))
    out = client.post("/me/sessions/end-all", headers=token)
    assert out.status_code == 200 and out.get_json() == {"ended": 3}
    assert rows_of(settings, "SELECT count(*) FROM registry.sessions WHERE person_id = %s AND ended_at IS NULL",
                   person["id"]) == [(0,)]
    assert eventually(lambda: client.get("/me/sessions", headers=token).status_code == 401)


# --- A change of email address ---------------------------------------------------------------------------

def _new_address() -> str:
    return f"new-{uuid.uuid4().hex[:10]}@example.org"


def _ask(client, headers, person, email, version=1):
    return client.patch(f"/people/{person['id']}", json={"email": email},
                        headers={**headers, "If-Match": f'"v{version}"'})


def _confirm(client, headers, person, code):
    return client.post(f"/people/{person['id']}/email/confirm", json={"code": code}, headers=headers)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def test_a_new_email_address_is_taken_only_once_it_confirmed_the_code_sent_to_it(
        client, tokens, person, settings, deliver, mailbox):
    mine, new = bearer(tokens, person["id"]), _new_address()
    asked = _ask(client, mine, person, new)
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["email"] == person["email"] and asked.get_json()["pending_email"] == new
    assert asked.headers["ETag"] == '"v1"'  # nothing changed yet
    assert client.get(f"/people/{person['id']}", headers=mine).get_json()["pending_email"] == new
    assert outbox_types(settings, person["id"]) == ["registry.person.created"]
    deliver()
    [message] = mailbox.to(new)
    assert message["Subject"].startswith("Your code to confirm your new Birlikte address")  # the person's language
    code = code_in(message)
    assert rows_of(settings, "SELECT code_hash <> %s FROM registry.email_changes WHERE new_email = %s", code, new) \
        == [(True,)]  # only a keyed hash of the code is kept

    wrong = _confirm(client, mine, person, _wrong(code))
    assert wrong.status_code == 422 and "code" in wrong.get_json()["errors"] and wrong.get_json()["tries_left"] == 4
    confirmed = _confirm(client, mine, person, code)
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["email"] == new and confirmed.get_json()["pending_email"] is None
    assert confirmed.headers["ETag"] == '"v2"'
    assert outbox_types(settings, person["id"]) == ["registry.person.created", "registry.person.updated"]
    assert _confirm(client, mine, person, code).status_code == 422  # used
    deliver()  # the old address is told
    [notice] = mailbox.to(person["email"])
    assert notice["Subject"] == "Your Birlikte email address was changed" and new in notice.get_content()


def test_five_wrong_codes_lock_the_change_and_a_new_request_replaces_the_old_code(
        client, tokens, person, settings, deliver, mailbox):
    mine, first = bearer(tokens, person["id"]), _new_address()
    _ask(client, mine, person, first)
    deliver()
    code = code_in(mailbox.to(first)[0])
    for tries_left in (4, 3, 2, 1, 0):
        assert _confirm(client, mine, person, _wrong(code)).get_json()["tries_left"] == tries_left
    locked = _confirm(client, mine, person, code)
    assert locked.status_code == 422 and locked.get_json()["title"] == "No code expected"

    second, third = _new_address(), _new_address()
    _ask(client, mine, person, second)
    deliver()
    old_code = code_in(mailbox.to(second)[0])
    _ask(client, mine, person, third)  # changed their mind: the code sent to `second` no longer works
    deliver()
    new_code = code_in(mailbox.to(third)[0])
    if old_code != new_code:
        assert _confirm(client, mine, person, old_code).status_code == 422
    assert _confirm(client, mine, person, new_code).get_json()["email"] == third
    assert client.get(f"/people/{person['id']}", headers=mine).get_json()["email"] == third


def test_a_change_of_address_keeps_the_rules_of_a_change(client, tokens, person, create_person, settings):
    mine, other = bearer(tokens, person["id"]), create_person()
    taken = _ask(client, mine, person, other["email"].upper())
    assert taken.status_code == 409
    assert _ask(client, mine, person, _new_address(), version=7).status_code == 412
    mixed = client.patch(f"/people/{person['id']}", json={"email": _new_address(), "time_zone": "Europe/Dublin"},
                         headers={**mine, "If-Match": '"v1"'})
    assert mixed.status_code == 200 and mixed.get_json()["time_zone"] == "Europe/Dublin"  # the rest at once
    assert mixed.get_json()["email"] == person["email"]
    assert _confirm(client, tokens.member_of(), person, "123456").status_code == 403
    assert _confirm(client, mine, other, "123456").status_code == 403


def test_asking_for_address_changes_is_rate_limited(client, tokens, person, settings):
    mine = bearer(tokens, person["id"])
    statuses = [_ask(client, mine, person, _new_address()).status_code for _ in range(settings.sign_in_limit + 1)]
    assert statuses == [200] * settings.sign_in_limit + [429]


# --- Welcome ------------------------------------------------------------------------------------------

def _due_now(settings, person_id) -> None:
    """Time passes: the welcome's delay is over."""
    rows_of(settings, "UPDATE registry.account_emails SET send_after = now() WHERE person_id = %s AND kind = 'welcome' "
                      "RETURNING id", person_id)


def test_a_registered_person_is_welcomed_once_in_their_language_with_a_link_to_sign_in(
        client, tokens, create_organization, settings, deliver, mailbox, app):
    organization = create_organization()
    body = person_body(preferred_language="tr", organization_id=organization["id"], kind="member")
    person = client.post("/people", json=body, headers=tokens.admin_of(organization["id"])).get_json()
    deliver()
    assert mailbox.to(person["email"]) == []  # it waits a little: a registration corrected at once sends nothing
    _due_now(settings, person["id"])
    deliver()
    deliver()
    [welcome] = mailbox.to(person["email"])
    assert welcome["Subject"] == "Birlikte'ye hoş geldiniz"
    web_url = app.extensions["birlikte"]["settings"].web_url.rstrip("/")
    assert f"    {web_url}/auth/login" in welcome.get_content().splitlines()  # the web app, through sign-in
    assert rows_of(settings, "SELECT status FROM registry.account_emails WHERE person_id = %s",
                   person["id"]) == [("sent",)]


def test_no_welcome_for_someone_who_signed_in_already_or_was_deactivated_or_came_from_the_demo(
        client, tokens, create_person, registry_pool, settings, deliver, mailbox):
    signed_in, deactivated = create_person(), create_person()
    _session(registry_pool, settings, signed_in)
    client.post(f"/people/{deactivated['id']}/deactivate", headers={**tokens.coordinator(), "If-Match": '"v1"'})
    for someone in (signed_in, deactivated):
        _due_now(settings, someone["id"])
    deliver()
    assert mailbox.to(signed_in["email"]) == mailbox.to(deactivated["email"]) == []
    assert rows_of(settings, "SELECT DISTINCT status FROM registry.account_emails WHERE person_id IN (%s, %s)",
                   signed_in["id"], deactivated["id"]) == [("skipped",)]
    with registry_pool.connection() as conn, conn.cursor() as cur:
        imported = people.register(cur, Principal.system("demo"), person_body())
    assert rows_of(settings, "SELECT 1 FROM registry.account_emails WHERE person_id = %s", imported["id"]) == []


def test_a_person_signed_in_at_another_provider_is_known_here_by_its_jwks(person, settings, registry_pool):
    """An operator points the services at another OpenID Connect provider (BIRLIKTE_JWKS_URL): the
    registry's own API takes its tokens too, besides those it signs itself; a key of neither is refused."""
    private, public = keypair()
    provider = TokenIssuer(settings.replace(jwt_private_key=private, jwt_public_key=public))
    document = json.dumps(provider.jwks()).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app = service("registry").create_app(
        settings.replace(jwks_url=f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"), pool=registry_pool)
    try:
        client = app.test_client()
        theirs = provider.issue(person["id"], roles=("member",))
        me = client.get("/me", headers={"Authorization": f"Bearer {theirs}"})
        assert me.status_code == 200 and me.get_json()["person"]["id"] == person["id"]
        stranger_private, stranger_public = keypair()
        stranger = TokenIssuer(settings.replace(jwt_private_key=stranger_private, jwt_public_key=stranger_public))
        refused = client.get("/me", headers={"Authorization": f"Bearer {stranger.issue(person['id'], roles=('member',))}"})
        assert refused.status_code == 401
    finally:
        server.shutdown()
        server.server_close()
