"""The web app in Chromium, against the whole platform with the demo community loaded: a visitor
finds an event in the program, signs in with the code the registry emailed, registers, gets the
join link and the event for their calendar; a full event waitlists the next person and a
cancellation promotes them; "my program" holds the past and the coming, with a personal calendar
feed. In English and in Turkish, on a phone-sized screen."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
from playwright.sync_api import expect

from shared.community import ORGANIZATIONS, PEOPLE, demo_id, organization_id
from tests.e2e.browser.conftest import PHONE
from tests.support.web import sign_in

AHMAD = next(p for p in PEOPLE if p[0] == "Ahmad Haddad")
ELIF = next(p for p in PEOPLE if p[0] == "Elif Kaya")
ZEYNEP = next(p for p in PEOPLE if p[0] == "Zeynep Arslan")
MEHMET = next(p for p in PEOPLE if p[0] == "Mehmet Demir")
BERFIN = next(p for p in PEOPLE if p[0] == "Berfin Aydın")
GALWAY = next(i for i, o in enumerate(ORGANIZATIONS) if o[0] == "Galway Governance Forum")
ISTANBUL = ZoneInfo("Europe/Istanbul")  # where a visitor's times are read until they say otherwise
FUNDRAISING_LINK = "https://meet.example.org/birlikte/fundraising"


def scheduled_event(platform, **overrides) -> dict:
    """An event of this test's own, scheduled by the coordinator through the events API."""
    starts = (datetime.now(timezone.utc) + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    tag = uuid.uuid4().hex[:6]
    body = {"kind": "thematic_meeting", "format": "online", "time_zone": "Europe/Dublin",
            "title": {"en": f"Volunteer management with Irish peers {tag}",
                      "tr": f"İrlandalı akranlarla gönüllü yönetimi {tag}"},
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "online_url": f"https://meet.example.org/birlikte/{tag}", "organizer_ids": [str(organization_id(0))],
            "visibility": "members", "status": "scheduled", **overrides}
    response = platform.api("POST", "events", "/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def calendar_events(body: bytes) -> dict[str, icalendar.Event]:
    """The VEVENTs of an iCalendar body, by their UID's event id."""
    return {str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_a_visitor_finds_an_event_signs_in_with_the_emailed_code_and_registers(platform, page, console_errors,
                                                                                tmp_path):
    page.goto(f"{platform.web}/?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("The program")
    page.get_by_label("Kind").select_option("information_session")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Fundraising beyond grants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fundraising beyond grants")
    expect(page.get_by_text("Gençlik ve Demokrasi Girişimi")).to_be_visible()  # the organizer, by name
    expect(page.get_by_text("Online — the link is given after registration")).to_be_visible()
    expect(page.get_by_role("link", name="Join online")).to_have_count(0)
    subscribe = page.get_by_role("link", name="Subscribe to the public program")
    assert subscribe.get_attribute("href") == f"webcal://{platform.web.split('://')[1]}/calendars/public.ics?lang=en"
    feed_address = page.get_by_role("link", name="the feed's address").get_attribute("href")
    feed = page.request.get(feed_address)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    assert page.request.get(feed_address, headers={"If-None-Match": feed.headers["etag"]}).status == 304  # polled cheaply
    event_id = page.url.rsplit("/", 1)[1]
    assert "Fundraising beyond grants" in str(calendar_events(feed.body())[event_id]["SUMMARY"])
    page.screenshot(path=tmp_path / "event-visitor.png", full_page=True)

    page.get_by_role("link", name="Sign in to register").click()
    expect(page).to_have_url(re.compile(r"/signin"))
    sign_in(page, platform, AHMAD[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Fundraising beyond grants")  # back where they were
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_have_text("You are registered.")
    expect(page.get_by_role("link", name="Join online")).to_have_attribute("href", FUNDRAISING_LINK)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add this event to your calendar (.ics)").click()
    [vevent] = calendar_events(download.value.path().read_bytes()).values()
    assert str(vevent["SUMMARY"]) == "Fundraising beyond grants" and str(vevent["URL"]) == FUNDRAISING_LINK
    page.screenshot(path=tmp_path / "event-registered.png", full_page=True)

    page.get_by_role("link", name="My program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My program")
    expect(page.get_by_role("link", name="Fundraising beyond grants")).to_be_visible()
    assert console_errors == []


def test_in_turkish_the_program_and_a_registration_read_in_turkish(platform, tr_page, tmp_path):
    page = tr_page
    page.goto(f"{platform.web}/?lang=tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program")
    page.get_by_label("Ara").fill("kaynak gelistirme")  # typed without Turkish letters
    page.get_by_role("button", name="Göster").click()
    expect(page.get_by_role("status")).to_have_text("1 etkinlik")
    page.get_by_role("link", name="Hibelerin ötesinde kaynak geliştirme").click()
    expect(page.get_by_text("Çevrimiçi — bağlantı kayıttan sonra verilir")).to_be_visible()
    page.get_by_role("link", name="Kaydolmak için giriş yapın").click()
    sign_in(page, platform, ELIF[1], "tr")
    page.get_by_role("button", name="Kaydol").click()
    expect(page.get_by_role("status")).to_have_text("Kaydınız alındı.")
    expect(page.get_by_role("link", name="Çevrimiçi katılın")).to_have_attribute("href", FUNDRAISING_LINK)
    page.screenshot(path=tmp_path / "event-registered-tr.png", full_page=True)
    page.get_by_role("link", name="Programım").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programım")
    expect(page.get_by_role("link", name="Hibelerin ötesinde kaynak geliştirme")).to_be_visible()


def test_the_program_filters_by_series_topic_month_and_words_with_and_without_javascript(platform, page, chromium,
                                                                                          console_errors, tmp_path):
    tag = uuid.uuid4().hex[:6]
    thematic = scheduled_event(platform, visibility="public", series_id=str(demo_id("series", "thematic")),
                               topics=["data_systems"], title={"en": f"Data systems for small organizations {tag}"})
    later = datetime.now(timezone.utc) + timedelta(days=70)
    volunteers = scheduled_event(platform, visibility="public", series_id=str(demo_id("series", "information")),
                                 topics=["volunteer_management"], title={"en": f"Volunteer policies {tag}"},
                                 starts_at=later.isoformat(), ends_at=(later + timedelta(hours=1)).isoformat())
    page.goto(f"{platform.web}/?lang=en")
    page.get_by_label("Series").select_option(label="Thematic Meetings with Irish Civil Society")  # live, no button
    expect(page.get_by_role("link", name=thematic["title"]["en"])).to_be_visible()
    expect(page.get_by_role("link", name="Fundraising beyond grants")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"series="))
    page.get_by_label("Series").select_option("")
    page.get_by_label("Search").fill(tag.upper())  # a word of the titles, whatever its case
    expect(page.get_by_role("status")).to_have_text("2 events")
    page.get_by_label("Search").fill(f"{tag} volunteer")  # every word must appear
    expect(page.get_by_role("status")).to_have_text("1 event")
    expect(page.get_by_role("link", name=volunteers["title"]["en"])).to_be_visible()
    page.screenshot(path=tmp_path / "program-search.png", full_page=True)
    assert console_errors == []

    plain = chromium.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    try:
        offline = plain.new_page()
        offline.goto(f"{platform.web}/?lang=en&topic=volunteer_management")
        expect(offline.get_by_label("Topic")).to_have_value("volunteer_management")
        expect(offline.get_by_role("link", name=volunteers["title"]["en"])).to_be_visible()
        expect(offline.get_by_role("link", name=thematic["title"]["en"])).to_have_count(0)
        offline.get_by_label("Topic").select_option("")
        offline.get_by_label("Search").fill(tag)
        offline.get_by_label("Month").select_option(later.astimezone(ISTANBUL).strftime("%Y-%m"))
        offline.get_by_role("button", name="Show").click()
        expect(offline.get_by_role("status")).to_have_text("1 event")
        expect(offline.get_by_role("link", name=volunteers["title"]["en"])).to_be_visible()
        offline.screenshot(path=tmp_path / "program-month-no-js.png", full_page=True)
        offline.goto(f"{platform.web}/?lang=en&month=1999-01")
        expect(offline.get_by_role("alert")).to_contain_text("Month")  # refused next to its field, not a 500
        offline.screenshot(path=tmp_path / "program-bad-month.png", full_page=True)
    finally:
        plain.close()


def test_a_full_event_waitlists_the_next_person_and_a_cancellation_promotes_them(platform, page, chromium, tmp_path):
    event = scheduled_event(platform, capacity=1, speakers=[
        {"name": "Aoife Kelly", "role": "expert", "organization_id": str(organization_id(GALWAY))}])
    address = f"{platform.web}/events/{event['id']}"
    page.goto(f"{address}?lang=en")  # for members only: a visitor signs in first and comes back
    expect(page).to_have_url(re.compile(r"/signin"))
    sign_in(page, platform, ZEYNEP[1])
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status")).to_have_text("You are registered.")
    expect(page.get_by_text("Full", exact=True)).to_be_visible()

    second = chromium.new_context(viewport=PHONE, locale="tr-TR")
    try:
        waiting = second.new_page()
        waiting.goto(f"{address}?lang=tr")
        sign_in(waiting, platform, MEHMET[1], "tr")
        expect(waiting.get_by_text("İrlanda Saati")).to_be_visible()  # a Dublin event read in Istanbul: both clocks
        expect(waiting.get_by_role("listitem").filter(has_text="Aoife Kelly")).to_have_text(
            "Aoife Kelly (Uzman) — Galway Governance Forum")  # the speaker, with her organization's name
        waiting.get_by_role("button", name="Bekleme listesine katılın").click()
        expect(waiting.get_by_role("status")).to_have_text("Etkinlik dolu: bekleme listesinde 1. sıradasınız.")
        expect(waiting.get_by_role("link", name="Çevrimiçi katılın")).to_have_count(0)  # no seat, no link
        waiting.screenshot(path=tmp_path / "waitlisted-tr.png", full_page=True)

        page.get_by_role("button", name="Cancel my registration").click()
        expect(page.get_by_role("status")).to_have_text("Your registration is cancelled.")

        waiting.goto(f"{address}?lang=tr")  # the events service gave the free seat to the first waiting
        expect(waiting.get_by_role("status")).to_have_text(
            "Bir yer boşaldı: bekleme listesinden kayda geçtiniz, kaydınız alındı.")
        expect(waiting.get_by_role("link", name="Çevrimiçi katılın")).to_have_attribute("href", event["online_url"])
        waiting.screenshot(path=tmp_path / "promoted-tr.png", full_page=True)
        waiting.get_by_role("link", name="Programım").click()
        expect(waiting.get_by_role("listitem").filter(has_text=event["title"]["tr"])).to_contain_text(
            "bir yer boşaldı ve sizin oldu")
    finally:
        second.close()
    page.reload()
    expect(page.get_by_role("button", name="Register")).to_have_count(0)  # the seat is taken again
    expect(page.get_by_role("button", name="Join the waitlist")).to_be_visible()
    page.screenshot(path=tmp_path / "full-again.png", full_page=True)


def test_my_program_holds_the_past_and_the_coming_with_a_personal_calendar_feed(platform, tr_page, tmp_path):
    page = tr_page
    coming = scheduled_event(platform)
    page.goto(f"{platform.web}/events/{coming['id']}?lang=tr")
    sign_in(page, platform, BERFIN[1], "tr")
    page.get_by_role("button", name="Kaydol").click()
    expect(page.get_by_role("status")).to_have_text("Kaydınız alındı.")

    page.get_by_role("link", name="Programım").click()
    upcoming = page.get_by_role("region", name="Gelecek")
    expect(upcoming.get_by_role("link", name=coming["title"]["tr"])).to_be_visible()
    expect(upcoming.get_by_role("link", name="Hibelerin ötesinde kaynak geliştirme")).to_be_visible()  # the demo's
    past = page.get_by_role("region", name="Geçmiş")
    work_relations = past.get_by_role("listitem").filter(has_text="Sivil toplumda çalışma ilişkileri")
    expect(work_relations).to_contain_text("Katıldınız.")  # the demo's, months ago
    expect(past.get_by_role("link", name=coming["title"]["tr"])).to_have_count(0)

    page.get_by_role("button", name="Takvim bağlantımı oluştur").click()
    address = page.get_by_label("Takviminizin adresi").input_value()
    assert address.startswith(f"{platform.web}/calendars/personal/")
    subscribe = page.get_by_role("link", name="Takvim programıma abone ol").get_attribute("href")
    assert subscribe == "webcal://" + address.split("://", 1)[1]
    page.screenshot(path=tmp_path / "my-program-tr.png", full_page=True)
    feed = page.context.request.get(address)  # as a calendar program would fetch it
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    mine = calendar_events(feed.body())
    assert str(mine[coming["id"]]["URL"]) == coming["online_url"]  # the private feed carries the join link

    page.get_by_role("button", name="Takvim bağlantımı durdur").click()
    expect(page.get_by_role("status")).to_have_text("Takvim bağlantınız artık çalışmıyor.")
    assert page.context.request.get(address).status == 404
