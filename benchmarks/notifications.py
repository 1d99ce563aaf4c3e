"""Notification fan-out: one event with 5,000 registrants is rescheduled; how long until every
email is accepted by the SMTP server and every in-app notification is stored — with one worker
and with two. For scale, the floor: plain smtplib sending 5,000 ready-made messages on one
connection to the same server.

    python -m benchmarks.notifications [--quick] [--registrants 5000] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import smtplib
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pika
import psycopg
from aiosmtpd.controller import Controller

from benchmarks.backbone import _pika
from benchmarks.support import bench_settings, free_port, print_table
from shared.bus.envelope import make_envelope
from shared.cli.ops import declare_topology
from shared.config import settings_environment
from shared.migrations import migrate
from services import notifications


class Counter:
    def __init__(self):
        self.count, self.lock = 0, threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def fill(settings, registrants: int) -> dict:
    event_id = uuid.uuid4()
    starts = datetime.now(timezone.utc) + timedelta(days=10)
    with psycopg.connect(settings.database_url_for("notifications"), options="-c search_path=notifications") as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY recipients (id, full_name, email, language, time_zone, consent_contact, status, version) "
                          "FROM STDIN") as copy:
                people = [uuid.uuid4() for _ in range(registrants)]
                for n, person in enumerate(people):
                    copy.write_row((person, f"Katılımcı {n}", f"p{n}@example.org", ("tr", "en")[n % 2],
                                    ("Europe/Istanbul", "Europe/Dublin")[n % 2], True, "active", 1))
            cur.execute("INSERT INTO events (id, title, kind, format, starts_at, ends_at, time_zone, status, visibility, "
                        "online_url, organizer_ids, sequence, version) VALUES (%s, %s, 'thematic_meeting', 'online', "
                        "%s, %s, 'Europe/Istanbul', 'scheduled', 'members', 'https://meet.example.org/b', '{}', 0, 1)",
                        (event_id, json.dumps({"tr": "Tematik toplantı", "en": "Thematic meeting"}), starts,
                         starts + timedelta(hours=2)))
            with cur.copy("COPY registrations (id, event_id, person_id, status) FROM STDIN") as copy:
                for person in people:
                    copy.write_row((uuid.uuid4(), event_id, person, "registered"))
        conn.commit()
    return {"event": event_id, "starts": starts}


def reschedule(settings, event: dict, sequence: int) -> None:
    new = event["starts"] + timedelta(days=sequence)
    data = {"id": str(event["event"]), "kind": "thematic_meeting", "format": "online",
            "title": {"tr": "Tematik toplantı", "en": "Thematic meeting"}, "starts_at": new.isoformat(),
            "ends_at": (new + timedelta(hours=2)).isoformat(), "time_zone": "Europe/Istanbul", "status": "rescheduled",
            "visibility": "members", "organizer_ids": [], "host_id": None, "partner_ids": [], "series_id": None,
            "topics": [], "online_url": "https://meet.example.org/b", "capacity": None, "sequence": sequence,
            "version": sequence + 1, "previous_starts_at": event["starts"].isoformat(),
            "previous_ends_at": (event["starts"] + timedelta(hours=2)).isoformat()}
    envelope = make_envelope("events.event.rescheduled", data, source="urn:birlikte:events", subject=data["id"])
    conn = _pika(settings)
    conn.channel().basic_publish(settings.bus_exchange, envelope["type"], json.dumps(envelope).encode(),
                                 pika.BasicProperties(delivery_mode=2, content_type="application/cloudevents+json"))
    conn.close()


def stored(settings, kind_sequence: str) -> tuple[int, int]:
    with psycopg.connect(settings.database_url_for("notifications"), options="-c search_path=notifications") as conn:
        row = conn.execute("SELECT count(*) FILTER (WHERE channel = 'in_app'), count(*) FILTER (WHERE channel = 'email' "
                           "AND status = 'sent') FROM notifications WHERE dedup_key LIKE %s", (kind_sequence,)).fetchone()
    return row[0], row[1]


def fan_out(settings, smtp: Counter, event: dict, sequence: int, workers: int, registrants: int) -> tuple[float, float]:
    env = {**os.environ, **settings_environment(settings)}
    processes = [subprocess.Popen([sys.executable, "-m", "shared.cli", "worker", "notifications"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        time.sleep(3)  # the workers connect and start consuming
        before = smtp.count
        began = time.perf_counter()
        reschedule(settings, event, sequence)
        pattern = f"event_rescheduled:{event['event']}:{sequence}:%"
        in_app_done = None
        while True:
            in_app, _ = stored(settings, pattern)
            if in_app >= registrants and in_app_done is None:
                in_app_done = time.perf_counter() - began
            if smtp.count - before >= registrants and in_app_done is not None:
                return in_app_done, time.perf_counter() - began
            if time.perf_counter() - began > 900:
                raise RuntimeError("fan-out did not finish in 15 minutes")
            time.sleep(0.05)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)


def floor(port: int, registrants: int) -> float:
    messages = []
    for n in range(registrants):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "b@example.org", f"p{n}@example.org", "Yeni zaman"
        message.set_content("Tematik toplantı yeni bir zamanda.\n")
        message.add_alternative("<p>Tematik toplantı yeni bir zamanda.</p>", subtype="html")
        messages.append(message)
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for message in messages:
            smtp.send_message(message)
    return time.perf_counter() - began


def run(registrants: int) -> list[tuple]:
    smtp, port = Counter(), free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with bench_settings("notify") as base:
            settings = base.replace(smtp_host="127.0.0.1", smtp_port=port, notifications_secret="bench")
            migrate(settings, "notifications", notifications.SERVICE.migrations)
            list(declare_topology(settings, ["notifications"]))
            event = fill(settings, registrants)
            one = fan_out(settings, smtp, event, 1, 1, registrants)
            two = fan_out(settings, smtp, event, 2, 2, registrants)
            raw = floor(port, registrants)
            from shared.bus import topology
            topology.delete(settings, "notifications")
    finally:
        controller.stop()
    return [(f"{registrants:,} in-app notifications stored", f"{one[0]:.1f} s", "", "", "", ""),
            (f"{registrants:,} emails accepted, 1 worker", f"{one[1]:.1f} s  ({registrants / one[1]:,.0f}/s)",
             f"{raw:.1f} s  ({registrants / raw:,.0f}/s)", f"{raw / one[1]:.2f}", "", ""),
            (f"{registrants:,} in-app stored (2nd reschedule)", f"{two[0]:.1f} s", "", "", "", ""),
            (f"{registrants:,} emails accepted, 2 workers", f"{two[1]:.1f} s  ({registrants / two[1]:,.0f}/s)",
             f"{raw:.1f} s", f"{raw / two[1]:.2f}", "", "")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--registrants", type=int, default=5000)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = run(200 if args.quick else args.registrants)
    print_table("Birlikte notifications fan-out — an event rescheduled; raw = plain smtplib, one connection, "
                "messages built beforehand", rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
