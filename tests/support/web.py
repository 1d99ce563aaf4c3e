"""What the browser tests do again and again: sign a person in through the registry's pages with
the code it emailed, wait for the bus, count rows."""
from __future__ import annotations

import time

from tests.support.identity import code_in

SIGN_IN_BUTTON = {"en": "Sign in", "tr": "Giriş yap"}


def sign_in(page, platform, email: str, language: str = "en") -> None:
    """On the registry's sign-in page: the address, then the code from the email that arrived."""
    before = len(platform.mailbox.to(email, "sign_in"))
    page.locator("input[type=email]").fill(email)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/signin/code")
    [*_, message] = platform.mailbox.wait_for(email, count=before + 1, kind="sign_in", timeout=30)
    assert len(platform.mailbox.to(email, "sign_in")) == before + 1, f"no sign-in email reached {email}"
    page.locator("input[autocomplete=one-time-code]").fill(code_in(message))
    page.get_by_role("button", name=SIGN_IN_BUTTON[language], exact=True).click()


def count(platform, service: str, table: str) -> int:
    with platform.connection(service) as conn:
        return conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def until(check, what: str, timeout: float = 30.0) -> None:
    """Wait for something the bus brings about; fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)
