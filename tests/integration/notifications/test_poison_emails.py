"""One email that cannot be sent never holds up the others: it fails alone, with its reason logged,
and a person's name goes into the headers on one line whatever it holds."""
from __future__ import annotations

from services.notifications.operations import emails
from tests.support.notifications import notifications_of


def test_a_line_break_in_a_name_stays_out_of_the_headers(bus, smtp, mail_settings, notifications_pool):
    emails.send_due(notifications_pool, mail_settings)
    person = bus.person(language="en", full_name="Ayşe\r\nBcc: everyone@elsewhere.example\nYılmaz")
    bus.registration(bus.event(title={"en": "Open day\r\nX-Injected: yes"}), person)
    emails.send_due(notifications_pool, mail_settings)
    [mail] = smtp.mailbox.wait_for(person["email"])
    [to] = mail["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Ayşe Bcc: everyone@elsewhere.example Yılmaz", person["email"])
    assert mail["Bcc"] is None and mail["X-Injected"] is None
    assert mail["Subject"] == "You are registered: Open day"  # the title's second line lands in the body only
    assert "X-Injected: yes" in mail.get_body(("plain",)).get_content()
    assert {n["status"] for n in notifications_of(notifications_pool, person["id"], "email")} == {"sent"}


def test_an_email_that_cannot_be_built_fails_alone_with_its_reason_and_the_others_go_out(
        bus, smtp, mail_settings, notifications_pool):
    emails.send_due(notifications_pool, mail_settings)
    event = bus.event(title={"en": "Webinar"})
    broken, first, last = (bus.person(language="en") for _ in range(3))
    bus.registration(event, first)
    bus.registration(event, broken)
    bus.registration(event, last)
    with notifications_pool.connection() as conn:  # a copy gone bad: no address any server would take
        conn.execute("UPDATE recipients SET email = 'nowhere' WHERE id = %s", (broken["id"],))
    emails.send_due(notifications_pool, mail_settings)
    assert len(smtp.mailbox.wait_for(first["email"])) == 1 and len(smtp.mailbox.wait_for(last["email"])) == 1
    [email] = notifications_of(notifications_pool, broken["id"], "email")
    assert email["status"] == "failed" and email["attempts"] == 1  # retrying would not change it: failed at once
    with notifications_pool.connection() as conn:
        attempts = conn.execute("SELECT outcome, detail FROM delivery_attempts WHERE notification_id = %s",
                                (email["id"],)).fetchall()
    assert [a["outcome"] for a in attempts] == ["failed"] and "no domain" in attempts[0]["detail"]
    emails.send_due(notifications_pool, mail_settings)  # never claimed again
    [again] = notifications_of(notifications_pool, broken["id"], "email")
    assert again["status"] == "failed" and again["attempts"] == 1
