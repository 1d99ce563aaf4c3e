"""What reaches people, in Chromium against the whole platform: a member registers and finds the
notification in the inbox (the unread count in the navigation, then read) and in their email, whose
link opens the event's page; preferences chosen are honoured (email off for a kind: no email, still
in the inbox); the development mail page exists only where it is configured, and shows the sign-in
code email, escaped; an organization's admin subscribes a webhook, sees its secret once, and follows
its deliveries in the log. English and Turkish, on a phone-sized screen."""
from __future__ import annotations

import re
import smtplib
import uuid
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook

from shared.cli import mailcatcher
from shared.community import organization_id
from services.web.app import create_app
from tests.e2e.browser.conftest import PHONE
from tests.support.identity import Served, code_in
from tests.support.smtp import free_port
from tests.support.web import sign_in, until
from tests.support.webhooks import Receiver

MULTECI, STGM = organization_id(4), organization_id(0)


def _created(platform, service: str, path: str, body: dict) -> dict:
    response = platform.api("POST", service, path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _person(platform, organization, full_name: str, *, language: str, admin: bool = False) -> dict:
    """A newcomer of `organization` (a coordinator registers them), with an inbox of their own, once
    the events and notifications services have heard of them."""
    local = re.sub(r"[^a-z]", "", full_name.lower().encode("ascii", "ignore").decode())
    person = _created(platform, "registry", "/people", {
        "full_name": full_name, "email": f"{local}.{uuid.uuid4().hex[:6]}@inbox.example",
        "preferred_language": language, "time_zone": "Europe/Istanbul", "consent_contact": True, "organization_id": str(organization),
        "kind": "employee", "is_admin": admin})
    until(lambda: _known(platform, "events", "memberships", "person_id", person["id"])
          and _known(platform, "notifications", "recipients", "id", person["id"]), "events and notifications know them")
    return person


def _known(platform, service: str, table: str, column: str, value) -> bool:
    with platform.connection(service) as conn:
        return conn.execute(f"SELECT 1 FROM {table} WHERE {column} = %s", (value,)).fetchone() is not None


def _event(platform, title: str, organizer=STGM, **overrides) -> dict:
    """An event of this test's own, scheduled by the coordinator, in ten days."""
    starts = (datetime.now(timezone.utc) + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    tag = uuid.uuid4().hex[:6]
    return _created(platform, "events", "/events", {
        "kind": "information_session", "format": "online", "time_zone": "Europe/Istanbul",
        "title": {"en": f"{title} {tag}", "tr": f"{title} {tag}"}, "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "online_url": f"https://meet.example.org/{tag}",
        "organizer_ids": [str(organizer)], "visibility": "members", "status": "scheduled", **overrides})


def _unread(platform, person) -> int:
    token = platform.token(person["id"], roles=("member",))
    return platform.api("GET", "notifications", "/inbox/unread-count", token=token).json()["unread"]


def _notifications(platform, person, kind: str) -> dict[str, int]:
    with platform.connection("notifications") as conn:
        rows = conn.execute("SELECT channel, count(*) AS n FROM notifications WHERE recipient_id = %s AND kind = %s "
                            "GROUP BY channel", (person["id"], kind)).fetchall()
    return {r["channel"]: r["n"] for r in rows}


def _email(platform, person, subject: str):
    """The email of that subject the person received (the notifications worker sends it shortly)."""
    until(lambda: any(m["Subject"] == subject for m in platform.mailbox.to(person["email"])), f"an email {subject!r}")
    [found] = [m for m in platform.mailbox.to(person["email"]) if m["Subject"] == subject]
    return found.get_body(("plain",)).get_content()


def _register(page, platform, event: dict, person: dict, language: str, texts: dict) -> None:
    page.goto(f"{platform.web}/events/{event['id']}?lang={language}")  # members only: signing in comes first
    page.wait_for_url("**/signin?**")
    sign_in(page, platform, person["email"], language)
    page.wait_for_url(f"**/events/{event['id']}")
    page.get_by_role("button", name=texts["register"], exact=True).click()
    expect(page.get_by_role("status")).to_have_text(texts["registered"])


EN = {"register": "Register", "registered": "You are registered."}
TR = {"register": "Kaydolun", "registered": "Kaydınız alındı."}


def test_a_member_registers_then_reads_it_in_the_inbox_and_the_emails_link_opens_the_event(
        platform, page, console_errors, tmp_path):
    person = _person(platform, MULTECI, "Rania Khalil", language="en")
    event = _event(platform, "Volunteer management in practice")
    title = event["title"]["en"]
    _register(page, platform, event, person, "en", EN)
    until(lambda: _unread(platform, person) == 1, "the registration reached the inbox")

    page.get_by_role("link", name="My program").click()
    inbox = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Inbox"))
    expect(inbox).to_have_text("Inbox 1 unread")
    inbox.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    unread = page.get_by_role("region", name="Unread")
    expect(unread.get_by_role("link", name=f"You are registered: {title}")).to_be_visible()
    expect(page.get_by_role("region", name="Read", exact=True).get_by_role("link")).to_have_count(0)
    page.screenshot(path=tmp_path / "inbox-unread-en.png", full_page=True)

    unread.get_by_role("link", name=f"You are registered: {title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"You are registered: {title}")
    expect(inbox).to_have_text("Inbox")  # opened: read, and the count is gone
    manage = page.get_by_role("link", name="Manage my registration")
    expect(manage).to_have_attribute("href", f"{platform.web}/events/{event['id']}")
    page.screenshot(path=tmp_path / "inbox-notification-en.png", full_page=True)
    assert _unread(platform, person) == 0
    page.get_by_role("link", name="Back to the inbox").click()
    expect(page.get_by_role("region", name="Read", exact=True).get_by_role("link", name=f"You are registered: {title}")
           ).to_be_visible()
    expect(page.get_by_role("region", name="Unread")).to_contain_text("Nothing unread.")

    text = _email(platform, person, f"You are registered: {title}")
    found = re.search(r"^Manage your registration \(or cancel it\): (\S+)\r?$", text, re.MULTILINE)
    assert found, text
    link = found.group(1)
    assert link == f"{platform.web}/events/{event['id']}"
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("button", name="Cancel my registration")).to_be_visible()  # managed right there
    assert console_errors == []


def test_in_turkish_the_inbox_marks_all_read_and_the_email_links_the_event(platform, tr_page, tmp_path):
    page = tr_page
    person = _person(platform, MULTECI, "Selin Öztürk", language="tr")
    first, second = _event(platform, "Gönüllü yönetimi"), _event(platform, "Hibelerin ötesinde")
    _register(page, platform, first, person, "tr", TR)
    page.goto(f"{platform.web}/events/{second['id']}")
    page.get_by_role("button", name="Kaydolun", exact=True).click()
    until(lambda: _unread(platform, person) == 2, "both registrations reached the inbox")

    page.goto(f"{platform.web}/")
    inbox = page.get_by_role("navigation", name="Ana menü").get_by_role("link", name=re.compile("^Gelen kutusu"))
    expect(inbox).to_have_text("Gelen kutusu 2 okunmamış")
    inbox.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gelen kutusu")
    unread = page.get_by_role("region", name="Okunmamış")
    expect(unread.get_by_role("link", name=re.compile("^Kaydınız alındı: "))).to_have_count(2)
    page.screenshot(path=tmp_path / "inbox-unread-tr.png", full_page=True)
    page.get_by_role("button", name="Tümünü okundu işaretle").click()
    expect(page.get_by_role("status")).to_have_text("Gelen kutunuzdaki her şey okundu olarak işaretlendi.")
    expect(inbox).to_have_text("Gelen kutusu")
    expect(page.get_by_role("region", name="Okunan").get_by_role("link")).to_have_count(2)
    assert _unread(platform, person) == 0
    page.screenshot(path=tmp_path / "inbox-read-tr.png", full_page=True)

    text = _email(platform, person, f"Kaydınız alındı: {first['title']['tr']}")
    link = re.search(r"^Kaydınızı yönetin \(ya da iptal edin\): (\S+)\r?$", text, re.MULTILINE).group(1)
    assert link == f"{platform.web}/events/{first['id']}"
    page.goto(link)
    expect(page.get_by_role("button", name="Kaydımı iptal et")).to_be_visible()


def test_email_turned_off_for_a_kind_sends_none_of_it_and_the_inbox_still_has_it(platform, page, console_errors,
                                                                               tmp_path):
    person = _person(platform, MULTECI, "Omar Farouk", language="en")
    event = _event(platform, "Data systems for small organizations")
    page.goto(f"{platform.web}/inbox/preferences?lang=en")
    sign_in(page, platform, person["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification preferences")
    confirmed = page.get_by_role("checkbox", name="Your registration is confirmed By email")
    expect(confirmed).to_be_checked()
    confirmed.uncheck()
    page.get_by_role("checkbox", name="Reminders, the day before and an hour before In the inbox").uncheck()
    page.get_by_label("In one email a day, at 08:00 your time").check()
    page.get_by_label("Another topic to follow").fill("Volunteer Management!")
    page.get_by_role("button", name="Save my preferences").click()

    # the notifications API refuses the topic: said next to it, and nothing of the form is kept
    field = page.get_by_label("Another topic to follow")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#other_topic-error")).to_have_text(
        "A topic is 2 to 60 lowercase letters, digits, _ or -, e.g. workers_rights.")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("checkbox", name="Your registration is confirmed By email")).not_to_be_checked()
    page.screenshot(path=tmp_path / "preferences-problem-en.png", full_page=True)
    token = platform.token(person["id"], roles=("member",))
    kept = platform.api("GET", "notifications", "/preferences", token=token).json()
    assert kept["kind_channels"] == {} and kept["digest"] == "immediate"

    field.fill("volunteer_management")
    page.get_by_role("button", name="Save my preferences").click()
    expect(page.get_by_role("status")).to_have_text("Your preferences are saved.")
    expect(page.get_by_role("checkbox", name="Your registration is confirmed By email")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Your registration is confirmed In the inbox")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Reminders, the day before and an hour before By email")).to_be_checked()
    expect(page.get_by_label("In one email a day, at 08:00 your time")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Volunteer management")).to_be_checked()
    page.screenshot(path=tmp_path / "preferences-saved-en.png", full_page=True)
    kept = platform.api("GET", "notifications", "/preferences", token=token).json()
    assert kept["kind_channels"]["registration_confirmed"] == ["in_app"]
    assert kept["kind_channels"]["reminder"] == ["email"] and kept["followed_topics"] == ["volunteer_management"]

    page.goto(f"{platform.web}/events/{event['id']}")
    page.get_by_role("button", name="Register", exact=True).click()
    until(lambda: _unread(platform, person) == 1, "the registration reached the inbox")
    assert _notifications(platform, person, "registration_confirmed") == {"in_app": 1}  # no email made at all
    page.get_by_role("link", name=re.compile("^Inbox")).click()
    expect(page.get_by_role("link", name=f"You are registered: {event['title']['en']}")).to_be_visible()
    assert not [m for m in platform.mailbox.to(person["email"]) if m["Subject"].startswith("You are registered")]
    assert console_errors == []


def test_the_mail_page_exists_only_where_configured_and_shows_the_sign_in_code_escaped(
        platform, page, chromium, console_errors, tmp_path):
    assert page.goto(f"{platform.web}/dev/mail?lang=en").status == 404  # not configured: no such page
    page.goto(f"{platform.web}/?lang=en")
    expect(page.get_by_role("link", name="Emails sent here (development)")).to_have_count(0)

    folder, catcher_port, port = tmp_path / "mail", free_port(), free_port()
    catcher, _ = mailcatcher.start(folder, port=catcher_port)
    developing = platform.settings.replace(dev_mail_dir=str(folder), web_url=f"http://127.0.0.1:{port}")
    with Served(create_app(developing, pool=platform.pools["web"]), port) as dev:
        try:
            _hostile_email(catcher_port)
            person = _person(platform, MULTECI, "Leyla Demirtaş", language="en")
            page.goto(f"{platform.web}/auth/login?lang=en")
            page.locator("input[type=email]").fill(person["email"])
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url("**/signin/code")
            [sent] = platform.mailbox.wait_for(person["email"])
            with smtplib.SMTP("127.0.0.1", catcher_port) as relay:  # as the catcher receives it under `up`
                relay.send_message(sent)

            reader = chromium.new_context(viewport=PHONE, locale="en-GB").new_page()
            reader.goto(f"{dev.url}/?lang=en")
            reader.get_by_role("link", name="Emails sent here (development)").click()
            expect(reader.get_by_role("heading", level=1)).to_have_text("Emails sent here")
            mails = reader.locator(".mails > li")
            expect(mails).to_have_count(2)
            expect(mails.first).to_contain_text(f"To Leyla Demirtaş <{person['email']}>")  # the newest first
            reader.screenshot(path=tmp_path / "mail-list-en.png", full_page=True)
            mails.first.get_by_role("link").click()
            heading = reader.get_by_role("heading", level=1)
            expect(heading).to_have_text(re.compile(r"^Your Birlikte sign-in code: \d{6}$"))
            expect(reader.locator(".mail-text")).to_contain_text(code_in(sent))
            reader.screenshot(path=tmp_path / "mail-code-en.png", full_page=True)
            page.locator("input[autocomplete=one-time-code]").fill(code_in(sent))  # read there, typed here
            page.get_by_role("button", name="Sign in", exact=True).click()
            expect(page.get_by_role("button", name="Sign out (Leyla Demirtaş)")).to_be_visible()

            reader.goto(f"{dev.url}/dev/mail?lang=en")
            reader.locator(".mails > li").last.get_by_role("link").click()
            expect(reader.get_by_role("heading", level=1)).to_have_text("<script>alert('subject')</script>")
            expect(reader.locator(".mail-text")).to_contain_text('<img src=x onerror="alert(1)">')
            expect(reader.locator("main img, main script")).to_have_count(0)
            assert reader.goto(f"{dev.url}/dev/mail/..%2F..%2Fetc%2Fpasswd").status == 404
            assert reader.goto(f"{dev.url}/dev/mail/missing.eml").status == 404
            reader.context.close()
        finally:
            catcher.stop()
    assert console_errors == []


def _hostile_email(port: int) -> None:
    """An email whose subject and text are markup: the page shows them as text."""
    message = EmailMessage()
    message["From"], message["To"] = "someone@example.org", "Newcomer <newcomer@example.org>"
    message["Subject"] = "<script>alert('subject')</script>"
    message.set_content('Hello <img src=x onerror="alert(1)"> and <b>bold</b>')
    with smtplib.SMTP("127.0.0.1", port) as relay:
        relay.send_message(message)


@pytest.fixture
def partner():
    """The organization's own system: it fails every request until it is fixed (`fail_first = 0`)."""
    receiver = Receiver(fail_first=1_000_000, status=503)
    yield receiver
    receiver.stop()


def test_an_admin_subscribes_a_webhook_sees_its_secret_once_and_follows_its_deliveries(
        platform, page, partner, console_errors, tmp_path):
    organization = _created(platform, "registry", "/organizations", {
        "name": f"Karadeniz Kadın Dayanışması {uuid.uuid4().hex[:6]}", "kind": "association", "country": "TR",
        "city": "Trabzon", "languages": ["tr"], "focus_areas": ["gender_equality"]})
    admin = _person(platform, organization["id"], "Hatice Yıldız", language="en", admin=True)
    page.goto(f"{platform.web}/webhooks?lang=en")
    sign_in(page, platform, admin["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Webhooks of {organization['name']}")
    expect(page.get_by_text("No subscriptions yet.")).to_be_visible()

    page.get_by_label("Your system's address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#url-error")).to_have_text("Not a valid URL.")  # the notifications API's refusal
    page.screenshot(path=tmp_path / "webhook-problem-en.png", full_page=True)
    page.get_by_label("Your system's address").fill(partner.url)
    page.get_by_label("Every registration for its events (events.registration.*)").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The subscription is made")
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    page.screenshot(path=tmp_path / "webhook-secret-en.png", full_page=True)
    page.get_by_role("link", name="I have copied it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"To {partner.url}")
    assert secret not in page.content()
    page.get_by_role("link", name=f"All the webhooks of {organization['name']}").click()
    expect(page.get_by_role("link", name=f"To {partner.url}")).to_be_visible()
    assert secret not in page.content()  # never again

    event = _event(platform, "Kadın örgütlerinde gönüllü yönetimi", organizer=organization["id"])
    until(lambda: partner.statuses, "the first delivery reached the partner's system")
    page.get_by_role("link", name=f"To {partner.url}").click()
    delivery = page.locator(".delivery").first
    expect(delivery).to_contain_text("events.event.scheduled")
    expect(delivery).to_contain_text("Waiting to be sent")
    expect(delivery).to_contain_text("HTTP 503")
    expect(delivery.get_by_text("Next try")).to_be_visible()
    page.screenshot(path=tmp_path / "webhook-log-failing-en.png", full_page=True)

    delivery.get_by_role("link", name="events.event.scheduled").click()
    expect(page.get_by_role("table").get_by_text("HTTP 503").first).to_be_visible()
    with partner.lock:
        partner.fail_first = 0  # the partner fixed their system
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_role("status")).to_have_text("The delivery is sent again.")
    until(lambda: partner.received, "the delivery sent again arrived")
    headers, body = partner.received[0]
    Webhook(secret).verify(body, headers)  # signed with the secret shown that once
    assert f'"id": "{event["id"]}"'.replace(" ", "") in body.decode().replace(" ", "")

    def delivered() -> bool:
        page.reload()
        return page.locator(".delivery").first.get_by_text("Delivered").count() == 1
    until(delivered, "the log shows the delivery delivered")
    page.screenshot(path=tmp_path / "webhook-log-delivered-en.png", full_page=True)

    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Delete it").click()
    expect(page.get_by_role("status")).to_have_text("The subscription is deleted: nothing more is sent to it.")
    expect(page.get_by_text("No subscriptions yet.")).to_be_visible()
    assert console_errors == []
