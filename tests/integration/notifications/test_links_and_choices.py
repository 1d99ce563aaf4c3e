"""Where each notification leads (the web app's page it is about, in the email and in the inbox),
the inbox read and unread apart, and channels chosen for one kind."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from services.notifications.operations import digests, emails
from tests.support.notifications import notifications_of

ITEM = "5d1f3c2e-1111-4d2b-9a55-2f4b8f0f6c22"


def test_a_registration_email_and_its_inbox_entry_lead_to_the_event_page(bus, smtp, client, tokens, mail_settings,
                                                                         notifications_pool):
    person = bus.person(language="en")
    event = bus.event()
    bus.registration(event, person)
    page = f"{mail_settings.web_url}/events/{event['id']}"
    emails.send_due(notifications_pool, mail_settings)
    [mail] = smtp.mailbox.wait_for(person["email"])
    assert f"Manage your registration (or cancel it): {page}\r\n" in mail.get_body(("plain",)).get_content()
    assert f'<a href="{page}">' in mail.get_body(("html",)).get_content()
    [entry] = client.get("/inbox", headers=tokens.member_of(subject=person["id"])).get_json()["items"]
    assert entry["link"] == page and entry["event_id"] == event["id"]


def test_a_published_recording_leads_to_its_archive_page(bus, client, tokens, mail_settings, notifications_pool):
    person = bus.person()
    event = bus.event()
    bus.registration(event, person)
    bus.deliver("archive.item.published", {
        "id": ITEM, "type": "recording", "language": "tr", "title": {"tr": "Kayıt", "en": "Recording"},
        "event_ids": [event["id"]], "organization_ids": [], "visibility": "members", "status": "published",
        "topics": []})
    [email] = [n for n in notifications_of(notifications_pool, person["id"], "email")
               if n["kind"] == "recording_available"]
    assert email["link"] == f"{mail_settings.web_url}/archive/{ITEM}"
    assert f"Kaydı izleyin: {mail_settings.web_url}/archive/{ITEM}" in email["body_text"]
    entries = client.get("/inbox?unread=true", headers=tokens.member_of(subject=person["id"])).get_json()["items"]
    assert entries[0]["kind"] == "recording_available" and entries[0]["link"] == email["link"]


def test_a_feedback_request_leads_to_the_feedback_form(bus, mail_settings, notifications_pool):
    person = bus.person()
    event = bus.event()
    registration = bus.registration(event, person)
    bus.registration(event, person, "attended", id=registration["id"], attendance="attended")
    asked = [n for n in notifications_of(notifications_pool, person["id"]) if n["kind"] == "feedback_request"]
    assert {n["link"] for n in asked} == {f"{mail_settings.web_url}/events/{event['id']}/feedback"}
    assert len(asked) == 2  # by email and in the inbox


def test_a_digest_links_each_news_item_and_the_inbox(bus, smtp, mail_settings, notifications_pool):
    person = bus.person(language="en", time_zone="Europe/Dublin")
    with notifications_pool.connection() as conn:
        conn.execute("UPDATE recipients SET digest = 'daily', followed_topics = '{digest_links}' WHERE id = %s",
                     (person["id"],))
    event = bus.event(topics=["digest_links"], title={"en": "Volunteer management in practice"})
    # tomorrow at nine in Dublin: past the digest's hour whatever time the test runs
    tomorrow = datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/Dublin")) + timedelta(days=1)
    digests.send_digests(notifications_pool, mail_settings, now=tomorrow.replace(hour=9, minute=0))
    emails.send_due(notifications_pool, mail_settings)
    [mail] = smtp.mailbox.wait_for(person["email"])
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert (f"- New event: Volunteer management in practice\n  {mail_settings.web_url}/events/{event['id']}\n\n"
            f"All your notifications: {mail_settings.web_url}/inbox") in text


def test_the_inbox_lists_the_unread_and_the_read_apart(bus, client, tokens):
    person = bus.person()
    for _ in range(3):
        bus.registration(bus.event(), person)
    me = tokens.member_of(subject=person["id"])
    every = client.get("/inbox", headers=me).get_json()["items"]
    client.post(f"/inbox/{every[1]['id']}/read", headers=me)
    unread = client.get("/inbox?unread=true", headers=me).get_json()["items"]
    read = client.get("/inbox?unread=false", headers=me).get_json()["items"]
    assert [i["id"] for i in unread] == [every[0]["id"], every[2]["id"]]
    assert [i["id"] for i in read] == [every[1]["id"]] and read[0]["read_at"]


def test_channels_chosen_for_one_kind_apply_to_that_kind_only(bus, client, tokens, notifications_pool):
    person = bus.person()
    me = tokens.member_of(subject=person["id"])
    changed = client.patch("/preferences", json={"kind_channels": {"registration_confirmed": ["in_app"]}},
                           headers={**me, "If-Match": '"v1"'})
    assert changed.status_code == 200 and changed.get_json()["kind_channels"] == {"registration_confirmed": ["in_app"]}
    assert changed.get_json()["channels"] == ["email", "in_app"] and changed.get_json()["consent_contact"] is True
    event = bus.event()
    bus.registration(event, person)
    bus.event("cancelled", id=event["id"], version=2, status="cancelled", reason=None)
    told = {(n["kind"], n["channel"]) for n in notifications_of(notifications_pool, person["id"])}
    assert told == {("registration_confirmed", "in_app"), ("event_cancelled", "email"), ("event_cancelled", "in_app")}


def test_a_kind_or_channel_that_does_not_exist_is_refused_by_name(bus, client, tokens):
    person = bus.person()
    me = {**tokens.member_of(subject=person["id"]), "If-Match": '"v1"'}
    for bad in ({"pigeon_post": ["email"]}, {"reminder": ["pigeon"]}, {"reminder": "email"}):
        refused = client.patch("/preferences", json={"kind_channels": bad}, headers=me)
        assert refused.status_code == 422 and "kind_channels" in refused.get_json()["errors"], bad
    topic = client.patch("/preferences", json={"followed_topics": ["Workers Rights!"]}, headers=me)
    assert topic.status_code == 422
    assert topic.get_json()["errors"]["followed_topics"] == {
        "0": ["A topic is 2 to 60 lowercase letters, digits, _ or -, e.g. workers_rights."]}
    assert client.get("/preferences", headers=me).headers["ETag"] == '"v1"'  # nothing of it was kept
