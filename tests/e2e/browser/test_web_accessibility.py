"""Every page of the web app, checked by axe-core in Chromium: signed out, and signed in as the
people who see each one (a member, an organization's admin, a coordinator), in English and in
Turkish, on a desktop's screen and on a 360 px phone — with a form showing its errors, the pages
of a refusal and of a page that does not exist. None may have a violation of any rule axe runs
(WCAG 2.2 A and AA, and its best practices), whatever its impact. The pages are listed here by
the address they are read at; a test checks that the list leaves out no page the app serves."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import NotFound

from services.web.app import create_app
from shared.community import PEOPLE, demo_id, organization_id, person_id
from tests.e2e.browser.conftest import PHONE
from tests.support.accessibility import described, violations
from tests.support.identity import Served
from tests.support.smtp import free_port
from tests.support.web import count, sign_in, until
from tests.support.webhooks import Receiver

LANGUAGES = ("en", "tr")
SIZES = (("desktop", {"width": 1280, "height": 800}), ("phone", PHONE))
MISSING = uuid.UUID(int=1)  # an id nothing has
AYSE, ELIF, AHMAD = (next(i for i, p in enumerate(PEOPLE) if p[0] == name)
                     for name in ("Ayşe Yılmaz", "Elif Kaya", "Ahmad Haddad"))
STGM, WHEEL, EMEK = organization_id(0), organization_id(1), organization_id(2)

# The pages, by who reads them, at their addresses ({names} are ids the tests arrange) and the
# status each answers with.
VISITOR = [
    ("/", 200), ("/?month=1999-01", 400), ("/events/{fundraising}", 200), ("/archive", 200),
    ("/archive?type=recording&q=leave", 200),
    ("/archive/{public_recording}", 200), ("/archive/{publication}", 200), ("/archive/{members_recording}", 401),
    ("/organizations", 200), ("/organizations?focus_area=gender_equality", 200), ("/organizations/{wheel}", 200),
    (f"/organizations/{MISSING}", 404), ("/account/signed-out", 200), ("/auth/callback?error=access_denied", 400),
    ("/no/such/page", 404),
]
MEMBER = [
    ("/", 200), ("/events/{fundraising}", 200), (f"/events/{MISSING}", 404), ("/me", 200), ("/topics", 200),
    ("/inbox", 200),
    ("/inbox/{notification}", 200), ("/inbox/preferences", 200), ("/account", 200), ("/account/email", 200),
    ("/account/invitations", 200), ("/account/sessions", 200), ("/events/{work_relations}/feedback", 200),
    ("/archive/{members_recording}", 200), ("/webhooks", 403), ("/organization", 200),
]
ADMIN = [
    ("/organization/{emek}", 200), ("/organization/{emek}/people", 200), ("/organization/{emek}/partnerships", 200),
    ("/organization/{emek}/clients", 200), ("/organization/{emek}/webhooks", 200),
    ("/organization/{emek}/webhooks/{subscription}", 200), ("/organization/{emek}/webhooks/{subscription}/delete", 200),
    ("/organization/{emek}/webhooks/{subscription}/deliveries/{delivery}", 200), ("/manage", 200),
]
COORDINATOR = [
    ("/manage", 200), ("/manage/events/new", 200), ("/manage/events/{governance}", 200),
    ("/manage/events/{governance}/edit", 200), ("/manage/events/{governance}/reschedule", 200),
    ("/manage/events/{governance}/cancel", 200), ("/manage/events/{governance}/registrations", 200),
    ("/manage/events/{work_relations}/attendance", 200), ("/manage/events/{safe_space}/feedback", 200),
    ("/manage/series", 200), ("/manage/series/new", 200), ("/manage/series/{information}/edit", 200),
    ("/manage/placements", 200), ("/manage/placements/new", 200), ("/archive/new", 200), ("/archive/{draft}", 200),
]
DEVELOPMENT = [("/dev/mail", 200), ("/dev/mail/sign-in.eml", 200)]
# What the app serves that is not a page: files, feeds, redirects, the operators' endpoints.
NOT_PAGES = {"/assets/<path:filename>", "/static/<path:filename>", "/healthz", "/readyz", "/metrics",
             "/auth/login", "/calendars/public.ics", "/calendars/personal/<token>.ics",
             "/events/<uuid:event_id>/calendar.ics", "/archive/<uuid:item_id>/file",
             "/archive/<uuid:item_id>/captions/<any(tr, en):language>.vtt"}


class Audit:
    """Pages opened in one language, each checked at both sizes; what axe found, gathered."""

    def __init__(self, page, web: str, language: str):
        self.page, self.web, self.language = page, web, language
        self.found: list[str] = []

    def visit(self, path: str, status: int = 200) -> None:
        separator = "&" if "?" in path else "?"
        response = self.page.goto(f"{self.web}{path}{separator}lang={self.language}")
        if response.status != status or urlsplit(self.page.url).path != urlsplit(path).path:
            self.found.append(f"{path}: answered {response.status} at {self.page.url}, not {status} there")
        elif response.headers["content-type"].startswith("text/html"):
            self.check(path)
        else:
            self.found.append(f"{path}: not a page but {response.headers['content-type']}")

    def visit_all(self, pages, ids: dict) -> None:
        for path, status in pages:
            self.visit(path.format(**ids), status)

    def check(self, where: str) -> None:
        for size, viewport in SIZES:
            self.page.set_viewport_size(viewport)
            self.found += described(violations(self.page), f"{where} [{self.language}, {size}]")
        self.page.set_viewport_size(PHONE)

    def send_empty(self, path: str, form: str) -> None:
        """A form sent with its text fields emptied: the page it answers with shows the errors."""
        self.visit(path)
        sent = self.page.locator(form)
        sent.evaluate("""form => { form.noValidate = true;
            form.querySelectorAll("input[type=text], input[type=email], input[type=url], input:not([type]), textarea")
                .forEach(field => { field.value = ""; }); }""")
        with self.page.expect_navigation() as answered:
            sent.locator("button[type=submit]").first.click()
        assert 400 <= answered.value.status < 500, f"{path}, {form} sent: {answered.value.status}"
        assert self.page.locator("[aria-invalid=true], .problems").count() > 0, f"{path}: no error shown"
        self.check(f"{path} ({form} sent empty)")

    def report(self) -> str:
        return f"{len(self.found)} problems:\n" + "\n".join(self.found)


@pytest.fixture(params=LANGUAGES)
def audit(request, chromium, platform):
    context = chromium.new_context(viewport=PHONE, locale={"en": "en-GB", "tr": "tr-TR"}[request.param])
    yield Audit(context.new_page(), platform.web, request.param)
    context.close()


def signed_in(audit: Audit, platform, index: int) -> None:
    audit.page.goto(f"{platform.web}/auth/login?lang={audit.language}")
    audit.check("the registry's sign-in page")
    sign_in(audit.page, platform, PEOPLE[index][1], audit.language)
    audit.page.wait_for_url(f"{platform.web}/")


@pytest.fixture(scope="module")
def ids(platform) -> dict:
    """The demo's events, items and organizations the pages show."""
    return {"fundraising": demo_id("event", "fundraising"), "work_relations": demo_id("event", "work_relations"),
            "governance": demo_id("event", "governance"), "safe_space": demo_id("event", "safe_space"),
            "public_recording": _recording(platform, "leave_policies"),
            "members_recording": _recording(platform, "work_relations"),
            "publication": demo_id("archive", "work_relations"), "information": demo_id("series", "information"),
            "wheel": WHEEL, "emek": EMEK}


def test_the_check_finds_what_is_wrong(page):
    page.set_content('<html><body><p style="color:#ccc">Faint</p><img src="data:,"><input></body></html>')
    found = {v["id"] for v in violations(page)}
    assert {"html-has-lang", "document-title", "color-contrast", "image-alt", "label", "landmark-one-main"} <= found


def test_the_pages_a_visitor_reads_pass_axe(audit, platform, ids):
    audit.visit_all(VISITOR, ids)
    assert audit.found == [], audit.report()


def test_the_pages_a_member_reads_pass_axe(audit, platform, ids):
    until(lambda: count(platform, "archive", "people") == len(PEOPLE), "the archive copied the registry's people")
    notification = _a_notification(platform, AHMAD)
    signed_in(audit, platform, AHMAD)
    audit.visit_all(MEMBER, {**ids, "notification": notification})
    audit.send_empty("/account", "form[action$='/account/profile']")
    audit.send_empty("/topics", "form[action$='/topics']")
    audit.send_empty(f"/events/{ids['work_relations']}/feedback", "main form[method=post]")
    assert audit.found == [], audit.report()


def test_the_pages_an_organizations_admin_reads_pass_axe(audit, platform, ids):
    receiver = Receiver(fail_first=1_000_000, status=503)
    try:
        subscription, delivery = _a_failing_delivery(platform, receiver)
        signed_in(audit, platform, ELIF)
        audit.visit_all(ADMIN, {**ids, "subscription": subscription, "delivery": delivery})
        audit.send_empty(f"/organization/{EMEK}/people", "form[action$='/people']")
        audit.send_empty(f"/organization/{EMEK}/webhooks", "form[action$='/webhooks']")
    finally:
        receiver.stop()
    assert audit.found == [], audit.report()


def test_the_pages_a_coordinator_reads_pass_axe(audit, platform, ids):
    draft = platform.api("POST", "archive", "/items", json={
        "type": "recording", "title": {"en": "A draft recording", "tr": "Taslak bir kayıt"}, "language": "tr",
        "visibility": "members", "organization_ids": [str(STGM)]}).json()
    signed_in(audit, platform, AYSE)
    audit.visit_all(COORDINATOR, {**ids, "draft": draft["id"]})
    audit.send_empty("/manage/events/new", "form.event-form")
    audit.send_empty("/manage/series/new", "main form[method=post]")
    audit.send_empty("/manage/placements/new", "main form[method=post]")
    audit.send_empty("/archive/new", "main form[method=post]")
    assert audit.found == [], audit.report()


def test_the_development_mail_pages_pass_axe(audit, platform, tmp_path):
    folder, port = tmp_path / "mail", free_port()
    folder.mkdir()
    message = EmailMessage()
    message["From"], message["To"] = "Birlikte <bildirim@birlikte.example>", "Ahmad Haddad <ahmad@example.org>"
    message["Subject"] = "Your Birlikte sign-in code: 123456"
    message.set_content("Your code:\n\n    123456\n\nhttps://birlikte.example/\n")
    (folder / "sign-in.eml").write_bytes(message.as_bytes())
    developing = platform.settings.replace(dev_mail_dir=str(folder), web_url=f"http://127.0.0.1:{port}")
    with Served(create_app(developing, pool=platform.pools["web"]), port) as dev:
        audit.web = dev.url
        audit.visit_all(DEVELOPMENT, {})
    assert audit.found == [], audit.report()


def test_no_page_the_web_app_serves_is_left_out_of_the_checks(settings, tmp_path):
    app = create_app(settings.replace(dev_mail_dir=str(tmp_path)))
    served = {rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods} - NOT_PAGES
    adapter = app.url_map.bind("localhost")
    listed = {_rule(adapter, path) for path, _status in VISITOR + MEMBER + ADMIN + COORDINATOR + DEVELOPMENT}
    assert served - listed == set()


def _rule(adapter, path: str) -> str | None:
    """The app's rule the page's address matches (any id in place of its names), if any."""
    try:
        return adapter.match(urlsplit(path.format_map(_AnyId())).path, return_rule=True)[0].rule
    except NotFound:
        return None


class _AnyId(dict):
    def __missing__(self, key):
        return MISSING


def _recording(platform, event_key: str) -> str:
    """The demo's recording of an event (made by the demo, or the draft the event's completion left)."""
    found = platform.api("GET", "archive", "/items", params={"event_id": str(demo_id("event", event_key)),
                                                             "type": "recording"}).json()["items"]
    return next(item["id"] for item in found if item["status"] == "published")


def _a_notification(platform, index: int) -> str:
    """A notification in the person's inbox (their registration for an event made for it, confirmed)."""
    token = platform.token(str(person_id(index)), roles=("member",), member_of=(str(organization_id(PEOPLE[index][4])),))
    start = datetime.now(timezone.utc) + timedelta(days=30)
    event = platform.api("POST", "events", "/events", json={
        "kind": "information_session", "format": "online", "title": {"en": "Accessible events", "tr": "Erişilebilir etkinlikler"},
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "time_zone": "Europe/Istanbul",
        "online_url": "https://meet.example.org/birlikte/a11y", "organizer_ids": [str(STGM)], "visibility": "members",
        "status": "scheduled"}).json()
    registered = platform.api("POST", "events", f"/events/{event['id']}/registrations", json={}, token=token)
    assert registered.status_code == 201, registered.text
    inbox = lambda: platform.api("GET", "notifications", "/inbox", token=token).json()["items"]
    until(inbox, "the registration's notification reached the inbox")
    return inbox()[0]["id"]


def _a_failing_delivery(platform, receiver: Receiver) -> tuple[str, str]:
    """A webhook of Emek's whose system fails: a subscription with a delivery and its attempts in the log."""
    token = platform.token(str(person_id(ELIF)), roles=("member",), admin_of=(str(EMEK),), member_of=(str(EMEK),))
    made = platform.api("POST", "notifications", "/webhooks", token=token, json={
        "organization_id": str(EMEK), "url": receiver.url, "event_types": ["events.event.*"]})
    assert made.status_code == 201, made.text
    start = datetime.now(timezone.utc) + timedelta(days=40)
    platform.api("POST", "events", "/events", json={
        "kind": "civil_space_discussion", "format": "online", "title": {"en": "Unions in CSOs", "tr": "STK'larda sendika"},
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(), "time_zone": "Europe/Istanbul",
        "online_url": "https://meet.example.org/birlikte/unions", "organizer_ids": [str(EMEK)], "status": "scheduled"})
    until(lambda: receiver.statuses, "a delivery reached Emek's system")
    path = f"/webhooks/{made.json()['id']}/deliveries"
    deliveries = lambda: platform.api("GET", "notifications", path, token=token).json()["items"]
    until(deliveries, "the delivery is in the log")
    return made.json()["id"], deliveries()[0]["id"]
