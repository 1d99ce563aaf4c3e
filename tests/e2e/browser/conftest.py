"""Browser tests: Debian's Chromium driven by Playwright, one fresh context (cookies, storage)
per test, at a phone's size, and what its console reported as errors (a CSP violation is one)."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from shared.cli import ops
from shared.community import ORGANIZATIONS, PEOPLE
from tests.support import platform as platforms
from tests.support import web

CHROMIUM = os.environ.get("BIRLIKTE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}  # the small phone the pages must work on


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium; "
                    "./scripts/test does when it can) or set BIRLIKTE_TEST_CHROMIUM", pytrace=False)
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
    """What the page's console reported as errors, and uncaught script errors: none, normally.
    A page answered with an error status (a form shown again with its 422, a 404 page) is logged by
    the browser too; the tests check those statuses themselves, so only a failed script, style,
    image or call counts here."""
    errors: list[str] = []
    pages: set[str] = set()

    def seen(message):
        url = message.location.get("url", "")
        if message.type != "error" or url.endswith("/favicon.ico"):  # a missing favicon is the browser's habit
            return
        if message.text.startswith("Failed to load resource") and url in pages:
            return
        errors.append(message.text)
    page.on("request", lambda request: pages.add(request.url) if request.resource_type == "document" else None)
    page.on("console", seen)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(scope="package")
def platform(settings, postgres_url):
    """The whole platform, the demo community loaded and copied where the services need it."""
    running = platforms.start(settings, postgres_url, tag=settings.bus_exchange.rsplit(".", 1)[-1])
    list(ops.load_demo(running.settings))
    web.until(lambda: web.count(running, "events", "organizations") == len(ORGANIZATIONS)
              and web.count(running, "events", "people") == len(PEOPLE), "the events service copied the registry")
    yield running
    running.stop()
    platforms.drop(postgres_url, running.settings.database_url)


@pytest.fixture
def tr_page(chromium):
    """A phone's browser that asks for Turkish first."""
    context = chromium.new_context(viewport=PHONE, locale="tr-TR")
    yield context.new_page()
    context.close()
