"""The organizers' pages in Chromium, against the whole platform with the demo community loaded, on
a phone-sized screen: a coordinator creates, schedules and reschedules an event and a member sees
the new time (their program and the email); an organizer takes attendance on the day, with script
and without, and the attendee leaves feedback the organizer then reads (in Turkish); two editors
of one event, the second shown the first one's change; bad input shown next to its field."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from shared.community import ORGANIZATIONS, PEOPLE, organization_id, person_id
from tests.e2e.browser.conftest import PHONE
from tests.support.web import sign_in, until

AYSE, ZEYNEP, AHMAD, ELIF = (next(i for i, p in enumerate(PEOPLE) if p[0] == name)
                             for name in ("Ayşe Yılmaz", "Zeynep Arslan", "Ahmad Haddad", "Elif Kaya"))
ISTANBUL = ZoneInfo("Europe/Istanbul")


def script_errors(console_errors: list[str]) -> list[str]:
    """What the console reported besides the 4xx of a form shown again with its errors (the
    browser logs the status of every page it loads; a missing file stays an error)."""
    answered = re.compile(r"^Failed to load resource: the server responded with a status of (409|422) ")
    return [e for e in console_errors if not answered.match(e)]


def email(index: int) -> str:
    return PEOPLE[index][1]


def organization_of(index: int) -> str:
    return str(organization_id(PEOPLE[index][4]))


def wall_clock(days: int, hour: int) -> datetime:
    """A time `days` from today on Istanbul's clock."""
    day = datetime.now(ISTANBUL).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0)


def member_token(platform, index: int) -> str:
    return platform.token(str(person_id(index)), roles=("member",), member_of=(organization_of(index),))


def register(platform, event_id: str, index: int) -> None:
    response = platform.api("POST", "events", f"/events/{event_id}/registrations", json={},
                            token=member_token(platform, index))
    assert response.status_code == 201, response.text


def make_event(platform, organizer: int, title: str, **fields) -> dict:
    """An event arranged through the API (as a coordinator would have made it)."""
    start = datetime.now(timezone.utc) + timedelta(days=20)
    body = {"kind": "information_session", "format": "online", "title": {"en": title, "tr": title},
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
            "time_zone": "Europe/Istanbul", "online_url": "https://meet.example.org/birlikte/manage",
            "organizer_ids": [organization_of(organizer)], "visibility": "members", "status": "scheduled", **fields}
    response = platform.api("POST", "events", "/events", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def signed_in_at(page, platform, path: str, index: int, language: str = "en") -> None:
    """Open a page of the web app, signing in on the way (the page asks for it)."""
    page.goto(f"{platform.web}{path}{'&' if '?' in path else '?'}lang={language}")
    sign_in(page, platform, email(index), language)


def test_a_coordinator_creates_schedules_and_reschedules_an_event_and_a_member_sees_the_new_time(
        platform, page, console_errors, chromium, tmp_path):
    title = f"Volunteer management in small organizations {uuid.uuid4().hex[:6]}"
    signed_in_at(page, platform, "/manage", AYSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Events you manage")
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title in English").fill(title)
    page.get_by_label("Title in Turkish").fill("Küçük örgütlerde gönüllü yönetimi")
    page.get_by_label("Description in English").fill("How member organizations recruit, train and keep volunteers.")
    page.get_by_label("Kind").select_option("information_session")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Online link").fill("https://meet.example.org/birlikte/volunteers")
    page.get_by_label("Time zone of the event").select_option("Europe/Istanbul")
    page.get_by_label("Starts").fill(wall_clock(10, 14).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill(wall_clock(10, 16).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(re.compile("Europe/Dublin")).check()
    page.get_by_label("Seats").fill("30")
    expect(page.get_by_role("group", name="Organized by").get_by_label(ORGANIZATIONS[0][0])).to_be_checked()  # hers
    page.get_by_role("group", name="Speaker 1").get_by_label("Name").fill("Jonas Becker")
    page.get_by_role("group", name="Speaker 1").get_by_label("Organization").fill("Forum Zivilgesellschaft Berlin")
    page.screenshot(path=tmp_path / "manage-new-event.png", full_page=True)
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    expect(page.get_by_text("14:00–16:00")).to_be_visible()  # on her clock, Istanbul's
    dublin = [wall_clock(10, hour).replace(tzinfo=ISTANBUL).astimezone(ZoneInfo("Europe/Dublin")).strftime("%H:%M")
              for hour in (14, 16)]  # 11:00–13:00 in winter, 12:00–14:00 in summer
    expect(page.get_by_text(re.compile(rf"Ireland Time: .*{dublin[0]}–{dublin[1]}"))).to_be_visible()  # and Dublin's
    event_url = page.url.split("?")[0]
    event_id = event_url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Schedule it").click()
    expect(page.get_by_role("status")).to_contain_text("The event is scheduled")
    page.screenshot(path=tmp_path / "manage-scheduled.png", full_page=True)

    register(platform, event_id, AHMAD)  # a member takes a seat
    page.get_by_role("link", name="Reschedule").click()
    expect(page.get_by_text("The 1 person registered is told the new time by email.")).to_be_visible()
    page.get_by_label("Starts").fill(wall_clock(11, 15).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill(wall_clock(11, 17).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save the new times").click()
    expect(page.get_by_role("status")).to_contain_text("The event has new times")
    expect(page.get_by_text("Rescheduled", exact=True)).to_be_visible()
    expect(page.get_by_text("15:00–17:00")).to_be_visible()
    page.screenshot(path=tmp_path / "manage-rescheduled.png", full_page=True)
    assert console_errors == []

    member = chromium.new_context(viewport=PHONE, locale="en-GB").new_page()
    signed_in_at(member, platform, "/me", AHMAD)
    card = member.get_by_role("listitem").filter(has=member.get_by_role("link", name=title))
    expect(card).to_contain_text("15:00–17:00")
    member.screenshot(path=tmp_path / "member-sees-new-time.png", full_page=True)
    member.context.close()
    until(lambda: any(title in str(m["Subject"]) for m in platform.mailbox.to(email(AHMAD), "event_rescheduled")),
          "the member was emailed the new time")
    [told] = [m for m in platform.mailbox.to(email(AHMAD), "event_rescheduled") if title in str(m["Subject"])]
    text = told.get_body(("plain",)).get_content()
    assert "15:00" in text and "14:00" in text  # now, and what it was


def test_an_organizer_takes_attendance_and_the_attendee_leaves_feedback_the_organizer_reads(
        platform, tr_page, page, console_errors, chromium, tmp_path):
    """In Turkish for the organizer (Zeynep Arslan); the attendee reads English."""
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    title = f"Regl izni politikaları {uuid.uuid4().hex[:6]}"
    event = make_event(platform, ZEYNEP, title, starts_at=start.isoformat(),
                       ends_at=(start + timedelta(hours=3)).isoformat())
    register(platform, event["id"], AHMAD)
    register(platform, event["id"], ELIF)

    organizer = tr_page
    signed_in_at(organizer, platform, f"/manage/events/{event['id']}/attendance", ZEYNEP, "tr")
    expect(organizer.get_by_role("heading", level=1)).to_have_text(f"Yoklama: {title}")
    ahmad = organizer.get_by_role("group", name=PEOPLE[AHMAD][0])
    ahmad.get_by_role("button", name="Katıldı").click()  # with script: in place
    expect(organizer.get_by_role("status")).to_have_text(f"{PEOPLE[AHMAD][0]}: Katıldı")
    expect(ahmad.get_by_role("button", name="Katıldı")).to_have_attribute("aria-pressed", "true")
    expect(ahmad.get_by_role("button", name="Katıldı")).to_be_focused()
    assert organizer.url.endswith("/attendance?lang=tr") or "/attendance" in organizer.url
    organizer.screenshot(path=tmp_path / "attendance-tr.png", full_page=True)

    without_script = chromium.new_context(viewport=PHONE, locale="tr-TR", java_script_enabled=False).new_page()
    signed_in_at(without_script, platform, f"/manage/events/{event['id']}/attendance", ZEYNEP, "tr")
    elif_row = without_script.get_by_role("group", name=PEOPLE[ELIF][0])
    expect(elif_row).to_contain_text("Henüz işaretlenmedi")
    elif_row.get_by_role("button", name="Katılmadı").click()  # a form POST, then the list again
    expect(without_script.get_by_role("status")).to_have_text(f"{PEOPLE[ELIF][0]}: Katılmadı")
    expect(without_script.get_by_role("group", name=PEOPLE[AHMAD][0])).to_contain_text("Katıldı")
    without_script.screenshot(path=tmp_path / "attendance-without-script.png", full_page=True)
    without_script.context.close()

    attendee = page
    signed_in_at(attendee, platform, f"/events/{event['id']}", AHMAD)
    attendee.get_by_role("link", name="Give feedback").click()
    attendee.get_by_label("5 — very useful").check()
    attendee.get_by_label("What would you tell the organizers?").fill(
        "A safe space to hear what other organizations tried, and what did not work.")
    attendee.get_by_label("You may quote my comment, without my name").check()
    attendee.get_by_role("button", name="Send my feedback").click()
    expect(attendee.get_by_role("status")).to_have_text("Thank you for your feedback.")
    attendee.screenshot(path=tmp_path / "feedback-given.png", full_page=True)

    organizer.get_by_role("link", name="Görüşler").click()
    expect(organizer.get_by_text("A safe space to hear what other organizations tried")).to_be_visible()
    expect(organizer.get_by_text(PEOPLE[AHMAD][0])).to_be_visible()
    organizer.screenshot(path=tmp_path / "feedback-organizer-tr.png", full_page=True)
    assert console_errors == []


def test_an_edit_conflict_shows_the_other_change_and_saving_again_is_deliberate(platform, page, chromium, tmp_path):
    event = make_event(platform, AYSE, f"Good governance for small associations {uuid.uuid4().hex[:6]}")
    edit = f"/manage/events/{event['id']}/edit"
    first = page
    signed_in_at(first, platform, edit, AYSE)
    second = chromium.new_context(viewport=PHONE, locale="en-GB").new_page()
    signed_in_at(second, platform, edit, AYSE)

    first.get_by_label("Title in English").fill("Good governance: boards and accountability")
    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.get_by_role("status")).to_have_text("Your changes are saved.")

    second.get_by_label("Seats").fill("25")  # on the version both opened
    second.get_by_role("button", name="Save", exact=True).click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Someone else changed this event while you were editing it")
    expect(alert).to_contain_text("Good governance: boards and accountability")  # what it says now
    expect(second.get_by_label("Seats")).to_have_value("25")  # what they wrote is kept
    second.screenshot(path=tmp_path / "edit-conflict.png", full_page=True)
    second.get_by_role("button", name="Save", exact=True).click()  # knowingly, over the other change
    expect(second.get_by_role("status")).to_have_text("Your changes are saved.")
    saved = platform.api("GET", "events", f"/events/{event['id']}").json()
    # what the second form says, all of it, as the page warned: the other title is replaced, knowingly
    assert saved["capacity"] == 25 and saved["title"]["en"] == event["title"]["en"]
    second.context.close()


def test_bad_input_is_shown_next_to_its_field(platform, page, console_errors, tmp_path):
    signed_in_at(page, platform, "/manage/events/new", AYSE)
    page.get_by_label("Starts").fill(wall_clock(30, 16).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends").fill(wall_clock(30, 14).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Online link").fill("https://meet.example.org/birlikte/x")
    page.get_by_role("button", name="Save as draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check the form")
    expect(summary).to_be_focused()
    title = page.get_by_label("Title in Turkish")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title_tr-error")).to_have_text("Give the text in at least one language (tr or en).")
    page.get_by_label("Title in English").fill("Data systems for small organizations")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_label("Ends")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ends_local-error")).to_have_text("The end must be after the start.")
    page.screenshot(path=tmp_path / "bad-input.png", full_page=True)
    assert script_errors(console_errors) == []


def test_an_organization_invited_to_co_organize_accepts_on_its_manage_page(platform, page, console_errors, tmp_path):
    """An admin names another organization as co-organizer: it is invited, not made one; its admin
    sees the invitation on the manage page and accepts, and the event is theirs to manage too."""
    title = f"Organizing volunteers across two cities {uuid.uuid4().hex[:6]}"
    theirs, mine = organization_of(ZEYNEP), organization_of(AYSE)
    zeynep = platform.token(str(person_id(ZEYNEP)), roles=("member",), member_of=(theirs,), admin_of=(theirs,))
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=25)
    made = platform.api("POST", "events", "/events", token=zeynep, json={
        "kind": "thematic_meeting", "format": "online", "title": {"en": title, "tr": title},
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        "time_zone": "Europe/Istanbul", "online_url": "https://meet.example.org/birlikte/two-cities",
        "organizer_ids": [theirs, mine], "visibility": "members", "status": "scheduled"})
    assert made.status_code == 201, made.text
    event = made.json()
    assert event["organizer_ids"] == [theirs] and event["pending_organizer_ids"] == [mine]

    signed_in_at(page, platform, "/manage", AYSE)
    invitations = page.get_by_role("region", name="Invitations to co-organize")
    card = invitations.get_by_role("listitem").filter(has_text=title)
    expect(card).to_contain_text(f"They invite {ORGANIZATIONS[0][0]} to organize it with them.")
    page.screenshot(path=tmp_path / "co-organizer-invitation.png", full_page=True)
    card.get_by_role("button", name=f"Accept for {ORGANIZATIONS[0][0]}").click()

    expect(page.get_by_role("status")).to_have_text("Your organization co-organizes the event now: it is on your list.")
    expect(page.get_by_role("region", name="Invitations to co-organize")).to_have_count(0)
    listed = page.get_by_role("link", name=title)
    while listed.count() == 0:  # latest start first: the demo's year ahead comes before it
        with page.expect_navigation():
            page.get_by_role("link", name="Earlier events").click()
    expect(listed).to_be_visible()  # among the events she manages
    now = platform.api("GET", "events", f"/events/{event['id']}").json()
    assert now["organizer_ids"] == [theirs, mine] and now["pending_organizer_ids"] == []
    assert console_errors == []
