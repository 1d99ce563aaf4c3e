"""The community's people and organizations in Chromium, against the whole platform: a visitor
browses the directory and an organization's partnerships; an admin invites a person of another
organization, who signs in, accepts, and then appears among the organization's people; an admin of
two organizations chooses one, meets a profile saved by someone else meanwhile, and creates a
partner API client whose secret shows once; a person's new language and time zone change the
program at once; an email address changes once the code sent to the new one is entered. English
and Turkish, on a phone-sized screen. Each test makes its own organizations and people."""
from __future__ import annotations

import re
import uuid

import requests
from playwright.sync_api import expect

from shared.community import PEOPLE, organization_id
from tests.e2e.browser.conftest import PHONE
from tests.support.identity import code_in
from tests.support.web import sign_in, until

KADIN, YESIL, FORUM_BERLIN, AMSTERDAM = organization_id(3), organization_id(5), organization_id(10), organization_id(11)
ASCII = str.maketrans("çğıöşüâ", "cgiosua")


def _created(platform, path: str, body: dict) -> dict:
    response = platform.api("POST", "registry", path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _organization(platform, name: str, **extra) -> dict:
    return _created(platform, "/organizations", {
        "name": f"{name} {uuid.uuid4().hex[:6]}", "kind": "association", "country": "TR", "city": "İzmir",
        "languages": ["tr"], "focus_areas": ["civil_society"], **extra})


def _person(platform, organization, full_name: str, *, admin: bool = False, language: str = "en") -> dict:
    """Someone of `organization` (a coordinator registers them), with an address of their own."""
    local = re.sub(r"[^a-z.]", "", full_name.lower().replace(" ", ".").translate(ASCII))
    return _created(platform, "/people", {
        "full_name": full_name, "email": f"{local}.{uuid.uuid4().hex[:6]}@community.example",
        "preferred_language": language, "time_zone": "Europe/Istanbul", "consent_contact": True,
        "organization_id": str(organization), "kind": "employee", "is_admin": admin})


def _no_personal_data(page) -> None:
    text = page.content()
    assert not [email for _, email, *_ in PEOPLE if email in text]
    assert "@" not in page.locator("main").inner_text()


def test_a_visitor_browses_the_directory_and_an_organizations_partnerships(platform, page, console_errors, tmp_path):
    page.goto(f"{platform.web}/organizations?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Member organizations")
    expect(page.get_by_role("heading", name="The Wheel", exact=True)).to_be_visible()
    _no_personal_data(page)
    page.screenshot(path=tmp_path / "directory-en.png", full_page=True)

    page.get_by_label("Focus area", exact=True).select_option("gender_equality")
    page.get_by_role("button", name="Show").click()
    cards = page.locator(".organizations > li")
    expect(cards.first).to_contain_text("Kadın Eşitlik Platformu")
    expect(cards.filter(has_text="Emek Dayanışma Derneği")).to_have_count(0)
    expect(cards.first).to_contain_text("Gender equality")
    expect(cards.first).to_contain_text("İzmir, Türkiye")
    page.get_by_role("link", name="Kadın Eşitlik Platformu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kadın Eşitlik Platformu")
    partnership = page.locator(".card").filter(has_text="Forum Zivilgesellschaft Berlin")
    expect(partnership).to_contain_text("Study-visit host")
    expect(partnership).to_contain_text("On-the-job learning: volunteer management.")
    _no_personal_data(page)
    page.screenshot(path=tmp_path / "organization-en.png", full_page=True)

    partnership.get_by_role("link", name="Forum Zivilgesellschaft Berlin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forum Zivilgesellschaft Berlin")
    expect(page.get_by_text("Berlin, Germany")).to_be_visible()
    assert f"/organizations/{FORUM_BERLIN}" in page.url
    assert console_errors == []


def test_in_turkish_the_directory_reads_in_turkish(platform, tr_page, tmp_path):
    tr_page.goto(f"{platform.web}/organizations")
    expect(tr_page.get_by_role("heading", level=1)).to_have_text("Üye kuruluşlar")
    tr_page.get_by_label("Ülke").select_option("IE")
    tr_page.get_by_role("button", name="Göster").click()
    expect(tr_page.locator(".organizations > li").filter(has_text="Cork Community Rights Network")).to_contain_text(
        "Cork, İrlanda")
    tr_page.get_by_role("link", name="The Wheel").first.click()
    expect(tr_page.get_by_role("heading", name="Ortaklıklar")).to_be_visible()
    expect(tr_page.locator(".card").filter(has_text="Sivil Toplum Geliştirme Merkezi")).to_contain_text("Program ortağı")
    tr_page.screenshot(path=tmp_path / "organization-tr.png", full_page=True)


def test_an_admin_invites_a_person_of_another_organization_who_accepts_and_then_appears_among_its_people(
        platform, page, chromium, console_errors, tmp_path):
    organization = _organization(platform, "Hak Temelli Gençlik Derneği")
    admin = _person(platform, organization["id"], "Selin Öztürk", admin=True)
    invitee = _person(platform, YESIL, "Murat Koç", language="tr")

    page.goto(f"{platform.web}/organization?lang=en")
    sign_in(page, platform, admin["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text(organization["name"])  # her only one: straight there
    page.get_by_role("navigation", name=re.compile("Managing")).get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="Selin Öztürk")).to_be_visible()
    page.get_by_label("Full name").fill(invitee["full_name"])
    page.get_by_label("Email address").fill(invitee["email"])
    page.get_by_label("Their tie to the organization").select_option("volunteer")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("they were sent an invitation")
    expect(page.get_by_text("Invited as: Volunteer")).to_be_visible()
    expect(page.get_by_role("heading", name="Murat Koç")).to_have_count(0)  # nothing of them until they accept
    page.screenshot(path=tmp_path / "people-invited.png", full_page=True)

    [invitation] = platform.mailbox.wait_for(invitee["email"], kind="account", timeout=30)
    assert organization["name"] in invitation.get_body(preferencelist=("plain",)).get_content()
    context = chromium.new_context(viewport=PHONE, locale="tr-TR")
    person = context.new_page()
    person.goto(f"{platform.web}/account/invitations")
    sign_in(person, platform, invitee["email"], "tr")
    expect(person.get_by_role("heading", level=1)).to_have_text("Davetler")
    card = person.locator(".card").filter(has_text=organization["name"])
    expect(card).to_contain_text("Gönüllü")
    expect(card).to_contain_text("Selin Öztürk")
    person.screenshot(path=tmp_path / "invitation-tr.png", full_page=True)
    card.get_by_role("button", name=re.compile("^Kabul et")).click()
    expect(person.get_by_role("status")).to_have_text("Kuruluşa katıldınız.")
    context.close()

    page.reload()
    expect(page.get_by_role("heading", name="Murat Koç")).to_be_visible()
    expect(page.get_by_text("Invited as: Volunteer")).to_have_count(0)
    page.screenshot(path=tmp_path / "people-joined.png", full_page=True)

    newcomer = f"nazli.tekin.{uuid.uuid4().hex[:6]}@hak.example"  # new to Birlikte: registered at once
    page.get_by_label("Full name").fill("Nazlı Tekin")
    page.get_by_label("Email address").fill(newcomer)
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("They are registered")
    expect(page.get_by_role("heading", name="Nazlı Tekin")).to_be_visible()
    page.get_by_role("button", name="End the membership of Nazlı Tekin").click()
    expect(page.get_by_role("status")).to_have_text("The membership has ended.")
    expect(page.get_by_role("heading", name="Nazlı Tekin")).to_have_count(0)
    assert console_errors == []


def test_an_admin_of_two_organizations_edits_a_profile_saved_meanwhile_and_sees_a_new_clients_secret_once(
        platform, page, console_errors, tmp_path):
    first = _organization(platform, "Anadolu Kooperatifler Ağı")
    second = _organization(platform, "Ege Gönüllüleri Derneği")
    admin = _person(platform, first["id"], "Hatice Yıldız", admin=True)
    _created(platform, "/memberships", {"organization_id": second["id"], "person_id": admin["id"], "kind": "board",
                                        "is_admin": True})
    page.goto(f"{platform.web}/organization?lang=en")
    sign_in(page, platform, admin["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organizations")
    page.get_by_role("link", name=second["name"]).click()

    page.get_by_label("Description").fill("Volunteers caring for the Aegean coast and its villages.")
    path = f"/organizations/{second['id']}"
    saved = platform.api("GET", "registry", path)
    assert platform.api("PATCH", "registry", path, json={"city": "Aydın"},
                        headers={"If-Match": saved.headers["ETag"]}).status_code == 200  # someone else, meanwhile
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Someone else saved this profile")
    expect(page.get_by_text("Saved now: Aydın")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Volunteers caring for the Aegean coast and its villages.")
    page.screenshot(path=tmp_path / "profile-412.png", full_page=True)
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status")).to_have_text("The profile is saved.")
    now = platform.api("GET", "registry", path).json()
    assert now["description"].startswith("Volunteers caring") and now["city"] == "İzmir"  # her version, knowingly

    page.get_by_role("link", name="API clients").click()
    page.get_by_label("Name of the system").fill("Ege CRM")
    page.get_by_label("Read events").check()
    page.get_by_label("Publish and update its organization's events").check()
    page.get_by_role("button", name="Create the client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The client Ege CRM is created")
    client_id, secret = page.locator("#client-id").inner_text(), page.locator("#client-secret").inner_text()
    page.screenshot(path=tmp_path / "client-secret.png", full_page=True)
    token = f"{platform.urls['registry']}/oauth/token"
    grant = requests.post(token, auth=(client_id, secret), data={"grant_type": "client_credentials"}, timeout=10)
    assert grant.status_code == 200 and grant.json()["scope"] == "events:read events:write"

    page.reload()  # the form again, the same attempt: nothing new is made, and the secret is not shown
    expect(page.get_by_role("status")).to_contain_text("its secret was shown once")
    assert secret not in page.content()
    assert not [c for c in page.context.cookies() if secret in c["value"]]
    expect(page.get_by_role("heading", name="Ege CRM")).to_have_count(1)
    page.screenshot(path=tmp_path / "client-reloaded.png", full_page=True)
    page.get_by_role("button", name="Revoke Ege CRM").click()
    expect(page.get_by_role("status")).to_contain_text("The client is revoked")
    until(lambda: requests.post(token, auth=(client_id, secret), data={"grant_type": "client_credentials"},
                                timeout=10).status_code == 401, "the revoked client gets no token")
    assert [e for e in console_errors if "status of 409" not in e] == []  # the profile came back refused, as it should


def test_a_person_chooses_turkish_and_new_york_time_and_the_program_follows(platform, page, console_errors, tmp_path):
    person = _person(platform, KADIN, "Emre Aksoy")
    page.goto(f"{platform.web}/account")
    sign_in(page, platform, person["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_role("link", name="Program", exact=True).click()
    expect(page.locator("time").first).to_have_attribute("datetime", re.compile(r"\+03:00$"))

    page.get_by_role("link", name="Account").click()
    page.get_by_label("Türkçe").check()
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hesabınız")
    expect(page.get_by_role("status")).to_contain_text("America/New York")
    page.screenshot(path=tmp_path / "account-tr.png", full_page=True)

    page.get_by_role("link", name="Program", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program")
    expect(page.locator("time").first).to_have_attribute("datetime", re.compile(r"-0[45]:00$"))
    page.screenshot(path=tmp_path / "program-new-york.png", full_page=True)

    page.get_by_role("link", name="Hesap").click()
    page.get_by_label("Birlikte bana topluluğun etkinlikleri ve haberleri hakkında e-posta gönderebilir").uncheck()
    page.get_by_label("Bir etkinlikte konuştuğumda kayda alınmayı kabul ediyorum").check()
    page.get_by_role("button", name="Tercihlerimi kaydet").click()
    expect(page.get_by_role("status")).to_have_text("Tercihleriniz kaydedildi.")
    saved = platform.api("GET", "registry", f"/people/{person['id']}").json()
    assert (saved["preferred_language"], saved["time_zone"]) == ("tr", "America/New_York")
    assert (saved["consent_contact"], saved["consent_recording"]) == (False, True)
    assert console_errors == []


def test_an_email_address_changes_once_the_code_sent_to_the_new_one_is_entered(platform, tr_page, tmp_path):
    person = _person(platform, KADIN, "Gül Şen", language="tr")
    new = f"gul.sen.{uuid.uuid4().hex[:6]}@kadin.example"
    tr_page.goto(f"{platform.web}/account/email")
    sign_in(tr_page, platform, person["email"], "tr")
    expect(tr_page.get_by_role("heading", level=1)).to_have_text("E-posta adresiniz")
    tr_page.get_by_label("Yeni e-posta adresi").fill("gul.sen@")
    tr_page.get_by_role("button", name="Kodu gönder").click()
    expect(tr_page.locator(".field.invalid")).to_contain_text("Geçerli bir e-posta adresi değil.")  # the registry's, translated

    tr_page.get_by_label("Yeni e-posta adresi").fill(new)
    tr_page.get_by_role("button", name="Kodu gönder").click()
    expect(tr_page.get_by_role("status")).to_contain_text(new)
    [message] = platform.mailbox.wait_for(new, kind="email_change", timeout=30)
    tr_page.get_by_label("Kod", exact=True).fill("000000" if code_in(message) != "000000" else "111111")
    tr_page.get_by_role("button", name="Yeni adresi onayla").click()
    expect(tr_page.locator(".field.invalid")).to_contain_text("Gönderdiğimiz kod bu değil.")
    tr_page.screenshot(path=tmp_path / "email-wrong-code-tr.png", full_page=True)
    tr_page.get_by_label("Kod", exact=True).fill(code_in(message))
    tr_page.get_by_role("button", name="Yeni adresi onayla").click()
    expect(tr_page.get_by_role("status")).to_contain_text(new)
    tr_page.screenshot(path=tmp_path / "email-changed-tr.png", full_page=True)
    assert platform.api("GET", "registry", f"/people/{person['id']}").json()["email"] == new


def test_an_admin_records_a_study_visit_partnership_the_directory_shows_from_both_sides_and_then_ends_it(
        platform, tr_page, tmp_path):
    organization = _organization(platform, "Karadeniz Kadın Kooperatifi")
    admin = _person(platform, organization["id"], "Ayten Kaya", admin=True, language="tr")
    tr_page.goto(f"{platform.web}/organization")
    sign_in(tr_page, platform, admin["email"], "tr")
    tr_page.get_by_role("navigation", name=re.compile("Yönetim")).get_by_role("link", name="Ortaklıklar").click()
    expect(tr_page.get_by_text("Henüz kayıtlı bir ortaklık yok.")).to_be_visible()

    def record() -> None:
        tr_page.get_by_label("Ortak kuruluş").select_option(label="Amsterdam Civic Lab")
        tr_page.get_by_label("Ortaklık türü").select_option("study_visit_guest")
        tr_page.get_by_label("Ne üzerine (isteğe bağlı)").fill("Katılımcı yöntemler üzerine on günlük çalışma ziyareti.")
        tr_page.get_by_role("button", name="Ortaklığı kaydet").click()
    record()
    expect(tr_page.get_by_role("status")).to_have_text("Ortaklık kaydedildi; rehberde görünüyor.")
    expect(tr_page.locator(".card").filter(has_text="Amsterdam Civic Lab")).to_contain_text("Çalışma ziyareti ev sahibi")
    record()  # the same again: the registry's refusal, in Turkish
    expect(tr_page.get_by_role("alert")).to_contain_text("Bu kuruluşların bu türden etkin bir ortaklığı zaten var.")
    tr_page.screenshot(path=tmp_path / "partnerships-tr.png", full_page=True)

    tr_page.goto(f"{platform.web}/organizations/{organization['id']}")  # the public directory, both ways round
    expect(tr_page.locator(".card").filter(has_text="Amsterdam Civic Lab")).to_contain_text("Çalışma ziyareti ev sahibi")
    tr_page.goto(f"{platform.web}/organizations/{AMSTERDAM}")
    guest = tr_page.locator(".card").filter(has_text=organization["name"])
    expect(guest).to_contain_text("Çalışma ziyareti konuğu")
    expect(guest).to_contain_text("Katılımcı yöntemler üzerine")

    tr_page.goto(f"{platform.web}/organization/{organization['id']}/partnerships")
    tr_page.get_by_role("button", name="Ortaklığı sona erdir: Amsterdam Civic Lab").click()
    expect(tr_page.get_by_role("status")).to_have_text("Ortaklık sona erdi.")
    tr_page.goto(f"{platform.web}/organizations/{AMSTERDAM}")
    expect(tr_page.locator(".card").filter(has_text=organization["name"])).to_have_count(0)


def test_a_person_signs_another_device_out_and_then_signs_out_everywhere(platform, page, chromium, console_errors,
                                                                          tmp_path):
    person = _person(platform, KADIN, "Deniz Yurt")
    phone = chromium.new_context(viewport=PHONE, locale="en-GB")
    other = phone.new_page()
    other.goto(f"{platform.web}/account?lang=en")
    sign_in(other, platform, person["email"])
    expect(other.get_by_role("heading", level=1)).to_have_text("Your account")

    page.goto(f"{platform.web}/account/sessions?lang=en")
    sign_in(page, platform, person["email"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed in on these devices")
    devices = page.locator(".cards > li")
    expect(devices).to_have_count(2)
    this_one = page.locator(".tag", has_text="This device")
    expect(devices.filter(has=this_one)).to_have_count(1)
    expect(devices.first).to_contain_text("Chrome on Linux")
    expect(devices.first).to_contain_text("with a code sent by email")
    page.screenshot(path=tmp_path / "devices.png", full_page=True)
    devices.filter(has_not=this_one).get_by_role("button", name="Sign this device out").click()
    expect(page.get_by_role("status")).to_have_text("That device is signed out.")
    expect(devices).to_have_count(1)

    def signed_out(browser) -> bool:
        browser.goto(f"{platform.web}/account")
        return browser.get_by_role("heading", level=1).inner_text() == "You are signed out"
    until(lambda: signed_out(other), "the device signed out from elsewhere is signed out")
    phone.close()

    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")
    expect(page.get_by_role("status")).to_have_text("Every device where you used Birlikte is signed out.")
    page.goto(f"{platform.web}/account")
    expect(page).to_have_url(re.compile(r"/signin"))  # the registry asks again: no session is left anywhere
    assert console_errors == []
