"""Reminders fire when due, follow reschedules, drop on cancellation; the daily digest."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.notifications.operations import digests, emails, reminders
from tests.support.notifications import notifications_of


def reminders_of(pool, registration_id) -> dict:
    with pool.connection() as conn:
        return {r["lead"]: r for r in conn.execute("SELECT * FROM reminders WHERE registration_id = %s",
                                                   (registration_id,))}


def make_due(pool, registration_id, lead) -> None:
    with pool.connection() as conn:
        conn.execute("UPDATE reminders SET due_at = now() - interval '1 second' WHERE registration_id = %s AND lead = %s",
                     (registration_id, lead))


def test_a_registration_arms_two_reminders_that_fire_once_when_due(bus, notifications_pool, mail_settings):
    person = bus.person(language="en")
    starts = datetime.now(timezone.utc) + timedelta(days=3)
    event = bus.event(starts_at=starts)
    registration = bus.registration(event, person)
    armed = reminders_of(notifications_pool, registration["id"])
    assert {lead: r["due_at"] for lead, r in armed.items()} == {"24h": starts - timedelta(hours=24),
                                                               "1h": starts - timedelta(hours=1)}
    assert reminders.fire_due(notifications_pool, mail_settings) == 0  # nothing due yet
    make_due(notifications_pool, registration["id"], "1h")
    # A second worker (or the same one after a restart) finds the same rows: still one reminder.
    assert reminders.fire_due(notifications_pool, mail_settings) == 1
    assert reminders.fire_due(notifications_pool, mail_settings) == 0
    told = [n for n in notifications_of(notifications_pool, person["id"], "in_app") if n["kind"] == "reminder"]
    assert len(told) == 1 and told[0]["subject"] == "In one hour: Civil Space Discussions"


def test_a_reschedule_moves_the_reminders_and_rearms_fired_ones(bus, notifications_pool, mail_settings):
    person = bus.person()
    starts = datetime.now(timezone.utc) + timedelta(days=3)
    event = bus.event(starts_at=starts)
    registration = bus.registration(event, person)
    make_due(notifications_pool, registration["id"], "24h")
    reminders.fire_due(notifications_pool, mail_settings)
    later = starts + timedelta(days=7)
    bus.event("rescheduled", id=event["id"], starts_at=later, sequence=1, version=2, status="rescheduled",
              previous_starts_at=starts.isoformat(), previous_ends_at=(starts + timedelta(hours=2)).isoformat())
    moved = reminders_of(notifications_pool, registration["id"])
    assert moved["24h"]["due_at"] == later - timedelta(hours=24) and moved["24h"]["status"] == "pending"
    assert moved["1h"]["due_at"] == later - timedelta(hours=1)
    make_due(notifications_pool, registration["id"], "24h")
    reminders.fire_due(notifications_pool, mail_settings)
    fired = [n for n in notifications_of(notifications_pool, person["id"], "in_app") if n["kind"] == "reminder"]
    assert len(fired) == 2  # one for the old time, one for the new


def test_cancelling_the_event_or_the_registration_drops_reminders(bus, notifications_pool, mail_settings):
    one, two = bus.person(), bus.person()
    event = bus.event()
    first, second = bus.registration(event, one), bus.registration(bus.event(), two)
    bus.event("cancelled", id=event["id"], version=2, status="cancelled", reason=None)
    bus.registration({"id": second["event_id"]}, two, "cancelled", id=second["id"], status="cancelled")
    for registration in (first, second):
        assert {r["status"] for r in reminders_of(notifications_pool, registration["id"]).values()} == {"dropped"}
        make_due(notifications_pool, registration["id"], "1h")
    reminders.fire_due(notifications_pool, mail_settings)
    for person in (one, two):
        assert not [n for n in notifications_of(notifications_pool, person["id"]) if n["kind"] == "reminder"]


def test_a_daily_digest_holds_news_and_sends_one_email_in_the_morning(bus, smtp, notifications_pool, mail_settings):
    person = bus.person(language="en", time_zone="Europe/Dublin")
    with notifications_pool.connection() as conn:
        conn.execute("UPDATE recipients SET digest = 'daily', followed_topics = '{data_systems}' WHERE id = %s",
                     (person["id"],))
    bus.event(topics=["data_systems"], title={"en": "Data systems: lessons from Galway"})
    bus.event(topics=["data_systems"], title={"en": "Data systems, part two"})
    held = notifications_of(notifications_pool, person["id"], "email")
    assert [n["status"] for n in held] == ["held", "held"]
    def composed():
        return [n for n in notifications_of(notifications_pool, person["id"], "email") if n["kind"] == "digest"]

    night = datetime(2027, 1, 10, 6, 30, tzinfo=timezone.utc)  # 06:30 in Dublin: not yet
    digests.send_digests(notifications_pool, mail_settings, now=night)
    assert composed() == []
    morning = night + timedelta(hours=2)
    digests.send_digests(notifications_pool, mail_settings, now=morning)
    digests.send_digests(notifications_pool, mail_settings, now=morning + timedelta(hours=1))
    assert len(composed()) == 1
    emails.send_due(notifications_pool, mail_settings)
    [mail] = smtp.mailbox.wait_for(person["email"])
    assert mail["Subject"] == "Your Birlikte digest: 2 updates"
    body = mail.get_body(("plain",)).get_content()
    assert "New event: Data systems: lessons from Galway" in body and "New event: Data systems, part two" in body
