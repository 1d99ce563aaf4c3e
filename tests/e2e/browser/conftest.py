"""Browser tests: Debian's Chromium driven by Playwright, one fresh context (cookies, storage)
per test, at a phone's size, and what its console reported as errors (a CSP violation is one)."""
from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=PHONE, locale="en-GB")
    yield context.new_page()
    context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """What the page's console reported as errors, and uncaught script errors: none, normally."""
    errors: list[str] = []

    def seen(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)  # a missing favicon is the browser's habit, not the page's fault
    page.on("console", seen)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors

