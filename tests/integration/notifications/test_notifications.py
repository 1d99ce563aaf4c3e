"""Who is told what, in which language and on which clock, by email and in the inbox — once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.notifications.operations import emails
from tests.support.notifications import notifications_of


def test_a_registration_is_confirmed_by_email_and_in_app_in_turkish(bus, smtp, mail_settings, notifications_pool):
    person = bus.person(language="tr", time_zone="Europe/Istanbul")
    event = bus.event(starts_at=datetime(2027, 3, 25, 7, 0, tzinfo=timezone.utc))
    bus.registration(event, person)
    assert emails.send_due(notifications_pool, mail_settings) >= 1
    [mail] = smtp.mailbox.wait_for(person["email"])
    assert mail["Subject"] == "Kaydınız alındı: Sivil Alan Tartışmaları"
    text = mail.get_body(("plain",)).get_content()
    assert "Perşembe 25 Mart 2027 10:00 (Europe/Istanbul)" in text and "https://meet.example.org/room" in text
    assert mail.get_body(("html",)).get_content().count("<p>") >= 2
    assert mail["Message-ID"].endswith("@birlikte.example>") and mail["Content-Language"] == "tr"
    assert mail["List-Unsubscribe"].startswith("<http://notifications.test/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    kinds = {(n["kind"], n["channel"], n["status"]) for n in notifications_of(notifications_pool, person["id"])}
    assert kinds == {("registration_confirmed", "email", "sent"), ("registration_confirmed", "in_app", "stored")}


def test_an_english_reader_in_dublin_sees_dublin_time(bus, smtp, mail_settings, notifications_pool):
    person = bus.person(language="en", time_zone="Europe/Dublin")
    event = bus.event(starts_at=datetime(2027, 4, 1, 7, 0, tzinfo=timezone.utc))  # 10:00 Istanbul, 08:00 IST
    bus.registration(event, person)
    emails.send_due(notifications_pool, mail_settings)
    [mail] = smtp.mailbox.wait_for(person["email"])
    assert mail["Subject"] == "You are registered: Civil Space Discussions"
    assert "Thursday 1 April 2027 08:00 (Europe/Dublin)" in mail.get_body(("plain",)).get_content()


def test_a_redelivered_message_notifies_once(bus, smtp, mail_settings, notifications_pool):
    person = bus.person()
    event = bus.event()
    registration = bus.registration(event, person)
    envelope = {"specversion": "1.0", "id": "same-message", "source": "urn:birlikte:events", "type":
                "events.registration.created", "data": {**registration}}
    for _ in range(3):
        bus.deliver("events.registration.created", registration, envelope=envelope)
    emails.send_due(notifications_pool, mail_settings)
    emails.send_due(notifications_pool, mail_settings)
    assert len(smtp.mailbox.wait_for(person["email"], count=2, timeout=1)) == 1
    assert len(notifications_of(notifications_pool, person["id"], "email")) == 1


def test_without_consent_to_be_contacted_only_the_inbox_is_used(bus, notifications_pool):
    person = bus.person(consent_contact=False)
    bus.registration(bus.event(), person)
    assert [n["channel"] for n in notifications_of(notifications_pool, person["id"])] == ["in_app"]


def test_a_full_event_waitlists_and_a_promotion_is_told(bus, notifications_pool):
    person = bus.person(language="en")
    event = bus.event()
    registration = bus.registration(event, person, status="waitlisted", position=3)
    bus.registration(event, person, "promoted", id=registration["id"], status="registered")
    inbox = notifications_of(notifications_pool, person["id"], "in_app")
    assert [n["kind"] for n in inbox] == ["registration_waitlisted", "registration_promoted"]
    assert "number 3 on the waiting list" in inbox[0]["body_text"]


def test_a_reschedule_tells_everyone_registered_with_old_and_new_time(bus, notifications_pool):
    registered, waiting, other = bus.person(language="en", time_zone="Europe/Dublin"), bus.person(), bus.person()
    old = datetime(2027, 10, 28, 9, 0, tzinfo=timezone.utc)
    event = bus.event(starts_at=old)
    bus.registration(event, registered)
    bus.registration(event, waiting, status="waitlisted", position=1)
    new = datetime(2027, 11, 4, 10, 0, tzinfo=timezone.utc)
    bus.event("rescheduled", id=event["id"], starts_at=new, sequence=1, version=2, status="rescheduled",
              previous_starts_at=old.isoformat(), previous_ends_at=(old + timedelta(hours=2)).isoformat())
    [told] = [n for n in notifications_of(notifications_pool, registered["id"], "in_app") if n["kind"] == "event_rescheduled"]
    assert "Was: Thursday 28 October 2027 10:00 (Europe/Dublin)" in told["body_text"]
    assert "Now: Thursday 4 November 2027 10:00 (Europe/Dublin)" in told["body_text"]  # GMT by then
    assert any(n["kind"] == "event_rescheduled" for n in notifications_of(notifications_pool, waiting["id"]))
    assert notifications_of(notifications_pool, other["id"]) == []


def test_a_cancellation_tells_everyone_registered(bus, notifications_pool):
    person = bus.person()
    event = bus.event()
    bus.registration(event, person)
    bus.event("cancelled", id=event["id"], version=2, status="cancelled", reason="Konuşmacı hasta")
    [told] = [n for n in notifications_of(notifications_pool, person["id"], "in_app") if n["kind"] == "event_cancelled"]
    assert "Gerekçe: Konuşmacı hasta" in told["body_text"]


def test_an_event_back_on_tells_those_still_registered_and_rearms_their_reminders(bus, notifications_pool):
    person, waiting = bus.person(language="en", time_zone="Europe/Dublin"), bus.person()
    event = bus.event(starts_at=datetime.now(timezone.utc) + timedelta(days=5))
    bus.registration(event, person)
    bus.registration(event, waiting, status="waitlisted", position=1)
    bus.event("cancelled", id=event["id"], version=2, status="cancelled", reason="Withdrawn by the organizing partner.")
    bus.event("reinstated", id=event["id"], version=4, sequence=1, status="scheduled")
    [told] = [n for n in notifications_of(notifications_pool, person["id"], "in_app") if n["kind"] == "event_reinstated"]
    assert told["subject"].startswith("Back on:") and "Your registration still stands" in told["body_text"]
    assert any(n["kind"] == "event_reinstated" for n in notifications_of(notifications_pool, waiting["id"]))
    with notifications_pool.connection() as conn:
        statuses = {r["status"] for r in conn.execute("SELECT status FROM reminders WHERE event_id = %s", (event["id"],))}
    assert statuses == {"pending"}  # dropped at the cancellation, armed again


def test_followers_of_a_topic_hear_of_a_new_event(bus, notifications_pool):
    follower, stranger = bus.person(), bus.person()
    with notifications_pool.connection() as conn:
        conn.execute("UPDATE recipients SET followed_topics = '{fundraising}' WHERE id = %s", (follower["id"],))
    bus.event(topics=["fundraising"])
    bus.event(topics=["fundraising"], visibility="invitation")
    assert [n["kind"] for n in notifications_of(notifications_pool, follower["id"], "in_app")] == ["event_new"]
    assert notifications_of(notifications_pool, stranger["id"]) == []


def test_attendees_are_asked_for_feedback(bus, notifications_pool):
    person = bus.person(language="en")
    event = bus.event()
    registration = bus.registration(event, person)
    bus.registration(event, person, "attended", id=registration["id"], attendance="attended")
    kinds = [n["kind"] for n in notifications_of(notifications_pool, person["id"], "in_app")]
    assert kinds == ["registration_confirmed", "feedback_request"]


def test_a_refusing_smtp_server_is_retried_then_accepted(bus, smtp, mail_settings, notifications_pool):
    person = bus.person()
    bus.registration(bus.event(), person)
    smtp.mailbox.refuse_with = "451 4.3.0 try again later"
    try:
        assert emails.send_due(notifications_pool, mail_settings) == 0
    finally:
        smtp.mailbox.refuse_with = None
    [email] = notifications_of(notifications_pool, person["id"], "email")
    assert email["status"] == "pending" and email["attempts"] == 1
    import time
    time.sleep(0.3)
    emails.send_due(notifications_pool, mail_settings)
    assert len(smtp.mailbox.wait_for(person["email"])) == 1
    with notifications_pool.connection() as conn:
        outcomes = [r["outcome"] for r in conn.execute(
            "SELECT outcome FROM delivery_attempts WHERE notification_id = %s ORDER BY id", (email["id"],))]
    assert outcomes == ["failed", "sent"]


def test_a_published_recording_reaches_those_who_missed_the_event_first(bus, notifications_pool):
    came, missed = bus.person(language="en"), bus.person()
    event = bus.event()
    for person, attendance in ((came, "attended"), (missed, None)):
        registration = bus.registration(event, person)
        if attendance:
            bus.registration(event, person, "attended", id=registration["id"], attendance=attendance)
    item = {"id": "0b7c5a3e-8a7e-4d2b-9a55-2f4b8f0f6c11", "type": "recording", "language": "tr",
            "title": {"tr": "Sivil Alan Tartışmaları: kayıt", "en": "Civil Space Discussions: recording"},
            "event_ids": [event["id"]], "organization_ids": [], "visibility": "members", "status": "published",
            "topics": []}
    bus.deliver("archive.item.published", item)
    first = [n for n in notifications_of(notifications_pool, missed["id"], "email") if n["kind"] == "recording_available"]
    later = [n for n in notifications_of(notifications_pool, came["id"], "email") if n["kind"] == "recording_available"]
    assert first[0]["subject"] == "Arşivde: Sivil Alan Tartışmaları: kayıt"
    assert later[0]["subject"] == "Now in the archive: Civil Space Discussions: recording"
    assert first[0]["next_attempt_at"] < later[0]["next_attempt_at"]
