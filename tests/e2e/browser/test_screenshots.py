"""The README's pictures, taken of the real pages with the demo community: the program on a desktop
in English, an Istanbul–Dublin meeting on a phone in Turkish (both clocks shown), a recording
playing with its captions, and the attendance list an organizer ticks on the day. Each picture
checks its page first. With BIRLIKTE_TEST_SCREENSHOTS=docs/screenshots they are written there (that is
how the README's were made); otherwise into the test's own folder."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shared.community import PEOPLE, demo_id
from tests.e2e.browser.conftest import PHONE
from tests.support.web import sign_in

ROOT = Path(__file__).resolve().parents[3]
DESKTOP = {"width": 1280, "height": 800}
AYSE = next(i for i, p in enumerate(PEOPLE) if p[0] == "Ayşe Yılmaz")


@pytest.fixture
def shots(tmp_path) -> Path:
    chosen = os.environ.get("BIRLIKTE_TEST_SCREENSHOTS")
    folder = (ROOT / chosen) if chosen else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(chromium, viewport: dict, locale: str):
    return chromium.new_context(viewport=viewport, locale=locale).new_page()


def test_the_program_on_a_desktop_in_english(platform, chromium, shots):
    page = _page(chromium, DESKTOP, "en-GB")
    page.goto(f"{platform.web}/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main .card").first).to_be_visible()  # the program has events to show
    page.screenshot(path=shots / "program-en.png")
    page.context.close()


def test_a_meeting_between_istanbul_and_dublin_on_a_phone_in_turkish(platform, chromium, shots):
    page = _page(chromium, PHONE, "tr-TR")
    page.goto(f"{platform.web}/events/{demo_id('event', 'governance')}?lang=tr")
    page.wait_for_url("**/signin?**")  # for members: signing in comes first
    sign_in(page, platform, PEOPLE[AYSE][1], "tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("İyi yönetişim: İrlanda ve Türkiye deneyimleri")
    expect(page.locator("main")).to_contain_text("İrlanda")  # the event's clock beside the reader's
    page.screenshot(path=shots / "event-tr-phone.png", full_page=True)
    page.context.close()


def test_a_recording_playing_with_its_captions(platform, chromium, shots):
    found = platform.api("GET", "archive", "/items", params={
        "event_id": str(demo_id("event", "leave_policies")), "type": "recording"}).json()["items"]
    recording = next(item for item in found if item["status"] == "published")
    page = _page(chromium, DESKTOP, "en-GB")
    page.goto(f"{platform.web}/archive/{recording['id']}?lang=en")
    video = page.locator("video")
    expect(video).to_be_visible()
    expect(video.locator("track")).to_have_count(2)  # Turkish and English captions
    video.evaluate("v => { v.muted = true; return v.play(); }")
    deadline = time.monotonic() + 20
    while video.evaluate("v => v.currentTime") < 1.5:  # playing (no eval under the page's CSP: polled here)
        assert time.monotonic() < deadline, "the recording does not play"
        page.wait_for_timeout(200)
    page.screenshot(path=shots / "recording-en.png")
    page.context.close()


def test_the_attendance_list_on_a_phone(platform, chromium, shots):
    page = _page(chromium, PHONE, "en-GB")
    page.goto(f"{platform.web}/manage/events/{demo_id('event', 'work_relations')}/attendance?lang=en")
    sign_in(page, platform, PEOPLE[AYSE][1], "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Work relations in civil society")
    expect(page.get_by_role("group").first).to_be_visible()  # one row a person, ticked on the day
    page.screenshot(path=shots / "attendance-en-phone.png", full_page=True)
    page.context.close()
