"""Two notifications workers racing for one backlog on a slow SMTP server, with a lease shorter than
their batches or even than one send: every recipient gets the email once, counted at the server."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta

from services.notifications.operations import emails
from tests.support.environment import as_environment

SENDER = [sys.executable, "-m", "tests.integration.notifications.send_emails"]


def test_a_fan_out_slower_than_the_lease_reaches_each_recipient_once_with_two_workers(
        bus, smtp, mail_settings, notifications_pool):
    people, event = _registered(bus, smtp, mail_settings, notifications_pool, 300)
    # 100 emails a batch at 0.1 s each: a batch takes twice the lease, its tail is taken over
    _race(bus, smtp, mail_settings.replace(send_lease_seconds=5.0), notifications_pool, event, people,
          seconds_per_message=0.1)


def test_a_send_slower_than_the_lease_is_not_sent_again_by_the_other_worker(
        bus, smtp, mail_settings, notifications_pool):
    people, event = _registered(bus, smtp, mail_settings, notifications_pool, 4)
    _race(bus, smtp, mail_settings.replace(send_lease_seconds=1.0), notifications_pool, event, people,
          seconds_per_message=1.5)


def _registered(bus, smtp, settings, pool, count: int) -> tuple[list[dict], dict]:
    """`count` people registered for one event, their confirmations already sent."""
    event = bus.event(title={"en": "Fan-out"})
    people = [bus.person(language="en") for _ in range(count)]
    for person in people:
        bus.registration(event, person)
    emails.send_due(pool, settings)
    assert all(n == 1 for n in smtp.mailbox.count_to(p["email"] for p in people).values())
    return people, event


def _race(bus, smtp, settings, pool, event: dict, people: list[dict], *, seconds_per_message: float) -> None:
    addresses = [p["email"] for p in people]
    before = smtp.mailbox.count_to(addresses)
    smtp.mailbox.seconds_per_message = seconds_per_message
    logs = [tempfile.TemporaryFile() for _ in range(2)]
    workers = [subprocess.Popen([*SENDER, "120"], env=as_environment(settings), stdout=subprocess.DEVNULL,
                                stderr=log) for log in logs]
    try:
        time.sleep(1)  # both workers up before the fan-out lands
        later = datetime.fromisoformat(event["starts_at"]) + timedelta(days=1)
        bus.event("rescheduled", id=event["id"], title=event["title"], starts_at=later, sequence=1, version=2,
                  status="rescheduled", previous_starts_at=event["starts_at"], previous_ends_at=event["ends_at"])
        deadline = time.monotonic() + 100
        while _unsent(pool, people) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _unsent(pool, people) == 0, "the two workers did not send the fan-out in time"
        time.sleep(2 * settings.send_lease_seconds)  # a late second copy has had its chance
        assert all(w.poll() is None for w in workers), f"a worker stopped: {_tails(logs)}"
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(10)
        smtp.mailbox.seconds_per_message = 0.0
        for log in logs:
            log.close()
    after = smtp.mailbox.count_to(addresses)
    twice = {a: after[a] - before[a] for a in addresses if after[a] - before[a] != 1}
    assert twice == {}, f"{len(twice)} of {len(addresses)} recipients did not get exactly one email"


def _unsent(pool, people: list[dict]) -> int:
    with pool.connection() as conn:
        return conn.execute("SELECT count(*) AS n FROM notifications WHERE recipient_id = ANY(%s) "
                            "AND channel = 'email' AND kind = 'event_rescheduled' AND status <> 'sent'",
                            ([p["id"] for p in people],)).fetchone()["n"]


def _tails(logs) -> list[str]:
    tails = []
    for log in logs:
        log.seek(0)
        tails.append(log.read().decode(errors="replace")[-2000:])
    return tails
