"""A worker killed in the middle of sending: after it, every email has arrived exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from shared.config import settings_environment
from services.notifications.operations import emails
from tests.support.notifications import notifications_of


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(bus, smtp, mail_settings, notifications_pool):
    emails.send_due(notifications_pool, mail_settings)  # nothing else of other tests left to send
    person = bus.person(language="en")
    events = [bus.event(title={"en": f"Session {n}"}) for n in range(3)]
    for event in events:
        bus.registration(event, person)
    leased = mail_settings.replace(send_lease_seconds=1.0)
    smtp.mailbox.stall_subject = "You are registered: Session 1"
    smtp.mailbox.stalled.clear()
    env = {**os.environ, **settings_environment(leased)}
    child = subprocess.Popen([sys.executable, "-m", "tests.integration.notifications.send_emails"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert smtp.mailbox.stalled.wait(30), "the sender never reached the second email"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        smtp.mailbox.stall_subject = None
        if child.poll() is None:
            child.kill()
    statuses = sorted(n["status"] for n in notifications_of(notifications_pool, person["id"], "email"))
    assert "sending" in statuses  # the dead worker's claim is still there
    time.sleep(1.2)  # the lease runs out
    emails.send_due(notifications_pool, leased)
    received = sorted(str(m["Subject"]) for m in smtp.mailbox.wait_for(person["email"], count=3))
    assert received == [f"You are registered: Session {n}" for n in range(3)]
    time.sleep(0.5)
    assert len(smtp.mailbox.to(person["email"])) == 3  # and no fourth
    assert {n["status"] for n in notifications_of(notifications_pool, person["id"], "email")} == {"sent"}
