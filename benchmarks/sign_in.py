"""Sign-in emails during a fan-out: people ask the registry for sign-in codes while the
notifications service sends a 5,000-recipient fan-out through the same SMTP server; how long from
asking to the code's email arriving, with and without the fan-out running, in one run.

    python -m benchmarks.sign_in [--quick] [--registrants 5000] [--sign-ins 40] [--json PATH]

Sign-in mail is sent by the registry's own worker (services/registry/mail.py), apart from the
notifications service's fan-outs, so that a code never waits behind one: this measures it.

- *Asking.* As a browser does: GET /signin (the form, its CSRF token and cookie), then, timed, the
  POST /signin with the address of a person of the registry's demo community (303 to the code
  page). The registry runs as `birlikte serve registry`, its worker as `birlikte worker registry`.
  The per-address limit on asking is raised for the run (one person asks many times).
- *Arriving.* An aiosmtpd server in this process notes when each email's DATA arrives (one clock
  with the asking); the latency is from the POST's start to that moment. One person asks at a time,
  after a random pause shorter than the worker's mail round, so that requests do not line up with it.
- *The fan-out.* As benchmarks/notifications.py: an event with N registrants is rescheduled (the
  events.event.rescheduled message published on the bus), one `birlikte worker notifications` sends
  N emails and stores N in-app notifications. Sign-ins count as *during* it when asked after the
  message was published and their email arrived before the fan-out's last email did.
- *Raw stack.* Plain smtplib sending one ready-made message to the same server (connect, send,
  quit): the floor of any email's latency here.

Each run makes its own database, roles, exchange and queues (benchmarks.backbone.isolated) and
removes them at the end, also on a failure. Nothing asserts a timing (shared, noisy machines): a
missed target shows as NO; the exit status is 1 only when a correctness check fails.
"""
from __future__ import annotations

import argparse
import email.parser
import os
import platform
import random
import re
import smtplib
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import psycopg
import requests
from aiosmtpd.controller import Controller

from benchmarks.backbone import Row, _pika, isolated, process, table
from benchmarks.notifications import fill, reschedule
from benchmarks.support import free_port, percentile, report_lines, suite_main
from services import notifications, registry
from services.registry.worker import SIGN_IN_MAIL_SECONDS
from shared.bus import topology
from shared.cli.ops import declare_topology, load_demo
from shared.community import PEOPLE
from shared.config import load_settings
from shared.migrations import migrate

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
EMAIL_TIMEOUT = 60.0  # a sign-in email not arrived by then is counted missing


def _say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------- the SMTP server
class Catcher:
    """Every email accepted, by kind: when each sign-in email arrived, how many fan-out emails did."""

    def __init__(self):
        self.lock = threading.Condition()
        self.sign_ins: list[tuple[float, str]] = []  # (arrival, To)
        self.others = 0                              # everything else: the fan-out's emails
        self.last_other = 0.0

    async def handle_DATA(self, server, session, envelope):
        arrived = time.perf_counter()
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            if headers["X-Birlikte-Kind"] == "sign_in":
                self.sign_ins.append((arrived, str(headers["To"])))
            else:
                self.others += 1
                self.last_other = arrived
            self.lock.notify_all()
        return "250 OK"

    def wait_sign_in(self, count: int) -> tuple[float, str] | None:
        """The `count`-th sign-in email (1-based), once it arrived; None if it did not in time."""
        with self.lock:
            self.lock.wait_for(lambda: len(self.sign_ins) >= count, EMAIL_TIMEOUT)
            return self.sign_ins[count - 1] if len(self.sign_ins) >= count else None


# ---------------------------------------------------------------- asking for a code
class Asker:
    """People asking for sign-in codes at the registry's page, one at a time, as a browser does."""

    def __init__(self, registry_url: str, catcher: Catcher, rng: random.Random):
        self.url, self.catcher, self.rng = registry_url, catcher, rng
        self.asked = self.refused = self.missing = 0
        self.answers: list[float] = []  # POST /signin → 303, s

    def ask(self, address: str) -> tuple[float, float] | None:
        """(asked at, latency in s) of one sign-in email; None if it was refused or never came."""
        time.sleep(self.rng.uniform(0, SIGN_IN_MAIL_SECONDS))
        browser = requests.Session()
        form = browser.get(f"{self.url}/signin", timeout=30)
        token = CSRF.search(form.text).group(1)
        expected = len(self.catcher.sign_ins) + 1
        began = time.perf_counter()
        answer = browser.post(f"{self.url}/signin", data={"email": address, "csrf_token": token, "continue": ""},
                              allow_redirects=False, timeout=30)
        self.asked += 1
        self.answers.append(time.perf_counter() - began)
        if answer.status_code != 303:
            self.refused += 1
            return None
        arrived = self.catcher.wait_sign_in(expected)
        if arrived is None or address not in arrived[1]:
            self.missing += 1
            return None
        return began, arrived[0] - began


def _addresses(count: int) -> list[str]:
    return [PEOPLE[n % len(PEOPLE)][1] for n in range(count)]


def idle(asker: Asker, count: int) -> list[float]:
    return [found[1] for address in _addresses(count) if (found := asker.ask(address))]


def during(settings, asker: Asker, catcher: Catcher, event: dict, registrants: int, count: int, bench) -> dict:
    """Sign-ins while one notifications worker sends the fan-out; then the fan-out's own figures."""
    with process(bench, "notifications-worker", ["-m", "shared.cli", "worker", "notifications"]):
        _wait_consuming(settings)
        before = catcher.others
        triggered = time.perf_counter()
        reschedule(settings, event, 1)
        inside, after = [], 0
        for address in _addresses(count):
            found = asker.ask(address)
            if found is None:
                continue
            with catcher.lock:
                done = catcher.others - before >= registrants
            if done:
                after += 1
                break  # the fan-out is over: what follows would be idle again
            inside.append(found[1])
        with catcher.lock:
            finished = catcher.lock.wait_for(lambda: catcher.others - before >= registrants, 900)
            seconds = catcher.last_other - triggered
    if not finished:
        raise RuntimeError(f"the fan-out did not send {registrants:,} emails in 15 minutes")
    return {"latencies": inside, "after": after, "fan_out_seconds": seconds}


def _wait_consuming(settings) -> None:
    """Until the notifications worker consumes its queue (it connects in a few seconds)."""
    deadline = time.monotonic() + 60
    connection = _pika(settings)
    try:
        while connection.channel().queue_declare(topology.queue_name(settings, notifications.NAME),
                                                 passive=True).method.consumer_count == 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the notifications worker did not start consuming in 60 s")
            time.sleep(0.2)
    finally:
        connection.close()


def floor(port: int, count: int) -> list[float]:
    """Plain smtplib: one ready-made message, connect → send → quit, `count` times."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "b@example.org", "ayse@example.org", "Giriş kodunuz"
    message["X-Birlikte-Kind"] = "raw"
    message.set_content("Birlikte'ye giriş kodunuz:\n\n    123456\n")
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
        latencies.append(time.perf_counter() - began)
    return latencies


# ---------------------------------------------------------------- the run
def _quiet_account_emails(settings) -> int:
    """The demo's welcome emails are not part of this: settled before measuring."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        return conn.execute("UPDATE registry.account_emails SET status = 'skipped' WHERE status = 'pending'").rowcount


def _latency_rows(label: str, ours: list[float], raw: list[float], target: dict | None = None) -> list[Row]:
    rows = []
    for name, p in (("p50", 50), ("p95", 95), ("max", 100)):
        mine, floor_ = percentile(ours, p) * 1000 if ours else None, percentile(raw, p) * 1000
        goal = (target or {}).get(name)
        rows.append(Row(f"sign-in email latency, {label} ({len(ours)} sign-ins): {name}", "ms", mine, floor_,
                        goal[0] if goal else "", goal[1](mine) if goal and mine is not None else None))
    return rows


def measure(bench, opts) -> list[Row]:
    settings = bench.settings
    catcher, rng = Catcher(), random.Random(12)
    smtp_port = free_port()
    controller = Controller(catcher, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        api_port = free_port()
        settings = bench.settings = settings.replace(
            smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_starttls=False, notifications_secret="bench",
            registry_url=f"http://127.0.0.1:{api_port}", sign_in_limit=10 ** 6, sign_in_client_limit=10 ** 6)
        for service in (registry, notifications):
            migrate(settings, service.NAME, service.SERVICE.migrations)
        list(declare_topology(settings, [notifications.NAME]))
        try:
            return _measure(bench, settings, catcher, rng, api_port, smtp_port, opts)
        finally:
            topology.delete(settings, notifications.NAME)
    finally:
        controller.stop()


def _measure(bench, settings, catcher, rng, api_port: int, smtp_port: int, opts) -> list[Row]:
    list(load_demo(settings, [registry.NAME]))
    _quiet_account_emails(settings)
    event = fill(settings, opts.registrants)
    _say(f"  {len(PEOPLE)} demo people sign in; an event with {opts.registrants:,} registrants")
    serve = ["-m", "shared.cli", "serve", "registry", "--bind", "127.0.0.1", "--port", str(api_port)]
    with process(bench, "registry", serve, api_port), \
            process(bench, "registry-worker", ["-m", "shared.cli", "worker", "registry"]):
        asker = Asker(settings.registry_url, catcher, rng)
        idle(asker, 2)  # warm-up: the API's and the worker's first connections
        asker.asked, asker.answers = 0, []
        _say("measuring sign-ins without a fan-out…")
        quiet = idle(asker, opts.sign_ins)
        _say(f"measuring sign-ins during a fan-out of {opts.registrants:,}…")
        busy = during(settings, asker, catcher, event, opts.registrants, opts.sign_ins, bench)
    raw = floor(smtp_port, opts.sign_ins)
    within = {"p95": ("< 5,000 ms", lambda v: v < 5000), "max": ("< 10,000 ms", lambda v: v < 10000)}
    fan_out = busy["fan_out_seconds"]
    rows = [*_latency_rows("no fan-out", quiet, raw),
            *_latency_rows(f"during a {opts.registrants:,}-recipient fan-out", busy["latencies"], raw, within)]
    if quiet and busy["latencies"]:
        rows.append(Row("sign-in email p50, during the fan-out vs without it", "ms",
                        percentile(busy["latencies"], 50) * 1000, percentile(quiet, 50) * 1000,
                        note="here the raw column is Birlikte without the fan-out: the ratio is the slowdown"))
    rows += [
        Row("POST /signin → 303 (part of the latency above): p50", "ms", percentile(asker.answers, 50) * 1000, None),
        Row(f"fan-out: {opts.registrants:,} emails accepted by the SMTP server, 1 notifications worker", "ms",
            fan_out * 1000, None, note=f"{opts.registrants / fan_out:,.0f} emails/s while people signed in"),
        Row("sign-ins answered 303 (asked / refused)", "count", asker.asked - asker.refused, asker.refused,
            "all", asker.refused == 0),
        Row("sign-in emails arrived, to the address that asked (missing)", "count",
            len(quiet) + len(busy["latencies"]) + busy["after"], asker.missing, "all", asker.missing == 0),
        Row("sign-ins measured during the fan-out (asked after it began, arrived before its last email)", "count",
            len(busy["latencies"]), None, "≥ 1", len(busy["latencies"]) >= 1),
    ]
    return rows


def run(opts) -> dict:
    environment = {"cpus": os.cpu_count(), "python": platform.python_version(),
                   "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory(prefix="birlikte-bench-") as logs, isolated(load_settings(), Path(logs)) as bench:
        rows = measure(bench, opts)
    environment["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return {"suite": "sign_in", "environment": environment,
            "config": {k: v for k, v in vars(opts).items() if k != "json"},
            "figures": [r.as_json() for r in rows], "rows": rows}


def report(result: dict) -> str:
    env, cfg = result["environment"], result["config"]
    lines = [
        "",
        f"Birlikte sign-in emails during a fan-out — registry under gunicorn (as `birlikte serve`), its worker "
        f"sending codes every {SIGN_IN_MAIL_SECONDS:g} s; {cfg['sign_ins']} sign-ins without and during a "
        f"{cfg['registrants']:,}-recipient fan-out; raw = plain smtplib sending one message to the same server",
        f"{env['cpus']} CPUs, shared by the registry, the notifications worker, PostgreSQL, RabbitMQ and this "
        f"process; load average {env['load_average_before'][0]} before, {env['load_average_after'][0]} after.",
        "latency = from the POST /signin to the email's DATA at the SMTP server; ratio = ours ÷ raw (above 1 is "
        "slower). The figures are for reading: the machine is shared and noisy.",
        "",
        table(result["rows"]),
    ]
    return report_lines(lines, result["rows"])


def options(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.sign_in", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a short smoke run: a fan-out of 300, a few sign-ins")
    p.add_argument("--registrants", type=int, help="recipients of the fan-out (default 5000; quick 300)")
    p.add_argument("--sign-ins", type=int, help="sign-ins measured without and during it (default 40; quick 5)")
    p.add_argument("--json", help="also write the results to this file")
    opts = p.parse_args(argv)
    for name, (full, small) in {"registrants": (5000, 300), "sign_ins": (40, 5)}.items():
        if getattr(opts, name) is None:
            setattr(opts, name, small if opts.quick else full)
    return opts


def main(argv=None) -> int:
    return suite_main(options, run, report, argv, failed=lambda row: row.unit == "count" and row.met is False)


if __name__ == "__main__":
    sys.exit(main())
