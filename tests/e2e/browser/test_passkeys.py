"""Passkeys in a real browser: Chromium with its virtual authenticator (the DevTools protocol's
WebAuthn domain) against the registry served on a port of its own, sign-in codes sent through a
real SMTP server. A coordinator signs in by email code, is asked for a passkey, adds one on their
account page, signs out, and signs in again with the passkey alone."""
from __future__ import annotations

import base64
import re
import uuid

import pytest
from playwright.sync_api import expect

from services import service
from services.registry import mail
from shared.db import open_pool
from tests.e2e.browser.conftest import PHONE
from tests.support.identity import Served, code_in
from tests.support.smtp import SmtpServer, free_port

SIGN_IN_PAGE = re.compile(r"/signin\?continue=/account$")
AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
                 "isUserVerified": True}


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def registry(settings, smtp):
    """The registry at http://localhost:<port>: WebAuthn wants a host name (not an address) as
    its relying party, and localhost is a secure context without TLS. Every test's browser comes
    from 127.0.0.1, so the per-address sign-in limit (not tested here) is lifted."""
    port = free_port()
    live = settings.replace(registry_url=f"http://localhost:{port}", smtp_host="127.0.0.1", smtp_port=smtp.port,
                            sign_in_client_limit=100_000)
    pool = open_pool(live, "registry", min_size=1, max_size=4)
    with Served(service("registry").create_app(live, pool=pool), port):
        yield {"url": live.registry_url, "settings": live, "pool": pool, "mailbox": smtp.mailbox}
    pool.close()


@pytest.fixture
def coordinator(registry) -> dict:
    with registry["pool"].connection() as conn:
        person = conn.execute(
            "INSERT INTO people (full_name, email, preferred_language) VALUES (%s, %s, 'en') RETURNING *",
            ("Ayşe Demir", f"ayse-{uuid.uuid4().hex[:8]}@example.org")).fetchone()
        conn.execute("INSERT INTO role_grants (person_id, role, granted_by) VALUES (%s, 'coordinator', 'test')",
                     (person["id"],))
    return person


@pytest.fixture
def authenticator(page) -> dict:
    """A platform authenticator that holds discoverable credentials and verifies its user at once."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return {"devtools": devtools, "id": added["authenticatorId"]}


def _sign_in_by_code(page, registry, person) -> None:
    page.get_by_label("Email address").fill(person["email"])
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/signin/code")
    mail.send_due(registry["pool"], registry["settings"])
    [message] = registry["mailbox"].wait_for(person["email"])
    page.get_by_label("Code from the email").fill(code_in(message))
    page.get_by_role("button", name="Sign in", exact=True).click()


def _latest_session(registry, person) -> dict:
    with registry["pool"].connection() as conn:
        return conn.execute("SELECT * FROM sessions WHERE person_id = %s ORDER BY auth_time DESC LIMIT 1",
                            (person["id"],)).fetchone()


def test_a_coordinator_adds_a_passkey_and_then_signs_in_with_it_alone(
        registry, coordinator, page, authenticator, console_errors, tmp_path):
    page.goto(f"{registry['url']}/account?lang=en")
    page.wait_for_url(SIGN_IN_PAGE)
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()  # the script found WebAuthn
    _sign_in_by_code(page, registry, coordinator)
    page.wait_for_url("**/account")
    expect(page.locator("#passkey-request")).to_contain_text("Please add a passkey.")
    page.screenshot(path=tmp_path / "account-asked.png", full_page=True)

    page.get_by_label("Name of the passkey").fill("This phone")
    page.get_by_role("button", name="Add a passkey").click()
    added = page.get_by_role("status").filter(has_text="Passkey added.")
    expect(added).to_be_focused()  # announced: focus moves to the message
    expect(page.get_by_role("list", name="Passkeys")).to_contain_text("This phone")
    expect(page.locator("#passkey-request")).to_have_count(0)  # asked no more
    page.screenshot(path=tmp_path / "account-with-passkey.png", full_page=True)
    [credential] = authenticator["devtools"].send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator["id"]})["credentials"]
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    assert base64.b64decode(credential["userHandle"]) == coordinator["id"].bytes
    assert _latest_session(registry, coordinator)["amr"] == ["otp"]

    page.get_by_role("button", name="Sign out on this device").click()
    page.wait_for_url(SIGN_IN_PAGE)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed in as Ayşe Demir")
    assert _latest_session(registry, coordinator)["amr"] == ["hwk", "user", "mfa"]
    assert console_errors == []  # no script error, nothing the CSP refused


def test_without_a_passkey_the_browser_says_so_and_the_email_code_still_works(
        registry, coordinator, page, authenticator, console_errors, tmp_path):
    page.goto(f"{registry['url']}/signin?continue=/account&lang=en")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("Try again, or use a code by email.")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_focused()
    page.screenshot(path=tmp_path / "sign-in-no-passkey.png", full_page=True)
    _sign_in_by_code(page, registry, coordinator)
    page.wait_for_url("**/account")
    assert _latest_session(registry, coordinator)["amr"] == ["otp"]
    assert console_errors == []


def test_without_javascript_the_passkey_controls_stay_hidden_and_the_email_code_signs_in(
        registry, coordinator, chromium):
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{registry['url']}/signin?continue=/account&lang=en")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
    _sign_in_by_code(page, registry, coordinator)
    page.wait_for_url("**/account")
    expect(page.get_by_text("To add a passkey, use a browser that supports passkeys")).to_be_visible()
    expect(page.get_by_role("button", name="Add a passkey")).to_be_hidden()
    context.close()
