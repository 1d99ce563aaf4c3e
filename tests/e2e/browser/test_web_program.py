"""The web app in Chromium, against the whole platform with the demo community loaded: a visitor
finds an event in the program, signs in with the code the registry emailed, registers, and finds
it in "my program"; in English and in Turkish, on a phone-sized screen."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from shared.community import PEOPLE
from tests.support.web import sign_in

AHMAD = next(p for p in PEOPLE if p[0] == "Ahmad Haddad")
ELIF = next(p for p in PEOPLE if p[0] == "Elif Kaya")


def test_a_visitor_finds_an_event_signs_in_with_the_emailed_code_and_registers(platform, page, console_errors,
                                                                                tmp_path):
    page.goto(f"{platform.web}/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("The program")
    page.get_by_label("Kind").select_option("information_session")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Fundraising beyond grants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fundraising beyond grants")
    expect(page.get_by_text("Gençlik ve Demokrasi Girişimi")).to_be_visible()  # the organizer, by name
    page.screenshot(path=tmp_path / "event-visitor.png", full_page=True)

    page.get_by_role("link", name="Sign in to register").click()
    expect(page).to_have_url(re.compile(r"/signin"))
    sign_in(page, platform, AHMAD[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Fundraising beyond grants")  # back where they were
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_have_text("You are registered.")
    page.screenshot(path=tmp_path / "event-registered.png", full_page=True)

    page.get_by_role("link", name="My program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My program")
    expect(page.get_by_role("link", name="Fundraising beyond grants")).to_be_visible()
    assert console_errors == []


def test_in_turkish_the_program_and_a_registration_read_in_turkish(platform, page, console_errors):
    page.goto(f"{platform.web}/?lang=tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program")
    page.get_by_role("link", name="Hibelerin ötesinde kaynak geliştirme").click()
    page.get_by_role("link", name="Kaydolmak için giriş yapın").click()
    sign_in(page, platform, ELIF[1], "tr")
    page.get_by_role("button", name="Kaydol").click()
    expect(page.get_by_role("status")).to_have_text("Kaydınız alındı.")
    page.get_by_role("link", name="Programım").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programım")
    assert console_errors == []
