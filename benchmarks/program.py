"""The web app's program page: pages per second of GET / (the program), signed out and signed in,
against the events API call behind it measured directly and against the same SELECT in plain
psycopg, in one run on this machine.

    python -m benchmarks.program [--quick] [--seconds 4] [--rounds 3] [--connections 8] [--json PATH]

- *The page.* GET / of the web app as `birlikte serve web` runs it (services/web/api/program.py:
  the series, then a page of 20 upcoming events from the events API, rendered), signed out, and
  signed in as a person of the demo community — signed in for real, through the registry's
  OpenID Connect code flow and the emailed code (shared/cli/mailcatcher.py catches it), so the page
  also resumes the web session and asks the notifications service for the unread count.
- *The API call.* GET /events?limit=20&from=… as the page asks it, straight to the events service
  (`birlikte serve events`): anonymously, and with the person's own access token (the one the web
  session holds).
- *Raw stack.* The events API's SELECT (the visibility condition services/events/access.py builds
  for the caller, from now on, 21 rows) from as many plain psycopg connections (threads of one
  process).

Data: the registry's and the events service's demo data (`birlikte demo`), so the page lists the
community's real program. Load: benchmarks/loadgen.py (a process of its own) with N keep-alive
connections; rounds rotate which side goes first; rates are the median round's, their ratios the
median of the rounds' own ratios. Every service runs under gunicorn with `birlikte serve`'s
settings (2 workers × 4 threads), all on the same two cores as PostgreSQL and the load generator.
Each run makes its own database, roles, exchange and queues (benchmarks.backbone.isolated) and
removes them at the end, also on a failure. Nothing asserts a timing; the exit status is 1 only
when a correctness check fails.
"""
from __future__ import annotations

import argparse
import contextlib
import html
import os
import platform
import queue
import re
import secrets
import statistics
import sys
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import jwt
import psycopg
import requests

from benchmarks import loadgen
from benchmarks.backbone import Row, isolated, process, table
from benchmarks.events import connect_service, thread_load
from benchmarks.support import free_port, percentile, report_lines, suite_main
from services import events, notifications, registry, web
from services.events import access
from services.web.api import COOKIE
from services.web.operations import sessions
from shared.auth.principal import Principal
from shared.cli import mailcatcher
from shared.cli.ops import load_demo, register_web_client
from shared.community import PEOPLE
from shared.config import load_settings
from shared.migrations import migrate

PAGE = 20           # the program's page (services/web/api/program.py)
READER = PEOPLE[0]  # who signs in: a member organization's employee
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
EVENT_LINK = re.compile(r'<h2><a href="/events/([0-9a-f-]{36})"')
SIDES = ("page", "api", "raw")


def _say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------- the platform
def _settings(base, ports: dict):
    """Where each part answers; the registry by host name (localhost) so that its cookies and the
    web app's (on 127.0.0.1) stay apart in one client, as `birlikte up` names it."""
    registry_url = f"http://localhost:{ports['registry']}"
    return base.replace(
        registry_url=registry_url, jwks_url=f"{registry_url}/.well-known/jwks.json",
        web_url=f"http://127.0.0.1:{ports['web']}", events_url=f"http://127.0.0.1:{ports['events']}",
        notifications_url=f"http://127.0.0.1:{ports['notifications']}",
        archive_url=f"http://127.0.0.1:{free_port()}",  # not served: the program page never calls it
        web_secret=secrets.token_urlsafe(32), web_client_secret=secrets.token_urlsafe(32),
        smtp_host="127.0.0.1", smtp_port=ports["smtp"], smtp_starttls=False, notifications_secret="bench")


@contextlib.contextmanager
def platform_up(bench, ports: dict, opts):
    """The registry (API and the worker that emails codes), events, notifications and the web app."""
    gunicorn = ["--bind", "127.0.0.1", "--workers", str(opts.workers), "--threads", str(opts.threads)]
    with contextlib.ExitStack() as stack:
        for name in ("registry", "events", "notifications", "web"):
            stack.enter_context(process(bench, name, ["-m", "shared.cli", "serve", name, *gunicorn,
                                                      "--port", str(ports[name])], ports[name]))
        stack.enter_context(process(bench, "registry-worker", ["-m", "shared.cli", "worker", "registry"]))
        yield


def _follow(browser: requests.Session, response: requests.Response) -> requests.Response:
    while response.is_redirect:
        response = browser.get(requests.compat.urljoin(response.url, response.headers["Location"]),
                               allow_redirects=False, timeout=30)
    return response


def _submit(browser: requests.Session, page: requests.Response, **values) -> requests.Response:
    """The page's form, posted with its hidden fields and `values`."""
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    return browser.post(requests.compat.urljoin(page.url, html.unescape(action)), data={**fields, **values},
                        allow_redirects=False, timeout=30)


def sign_in(settings, codes: queue.Queue) -> str:
    """As a person in a browser: the web app's sign-in → the registry's form → the emailed code →
    back to the web app, which sets its session cookie; returns that cookie's value."""
    browser = requests.Session()
    form = _follow(browser, browser.get(f"{settings.web_url}/auth/login", allow_redirects=False, timeout=30))
    code_page = _follow(browser, _submit(browser, form, email=READER[1]))
    to, code = codes.get(timeout=60)
    if READER[1] not in to:
        raise RuntimeError(f"the sign-in code went to {to}")
    landed = _follow(browser, _submit(browser, code_page, code=code))
    cookie = browser.cookies.get(COOKIE)
    if landed.status_code != 200 or not cookie:
        raise RuntimeError(f"signing in ended at {landed.url} ({landed.status_code}) without a web session")
    return cookie


def access_token_of(settings, cookie: str) -> str:
    """The access token the web session holds (what the web app sends the events API for this person)."""
    session_id, _, secret = cookie.partition(".")
    with psycopg.connect(settings.database_url_for(web.NAME), options="-c search_path=web", autocommit=True,
                         row_factory=psycopg.rows.dict_row) as conn, conn.cursor() as cur:
        return sessions.access_token(cur, settings, sessions.resume(cur, uuid.UUID(session_id), secret))


# ---------------------------------------------------------------- the three sides of a case
class Case:
    """One reader of the program: the page's request, the API call behind it, the SQL behind that."""

    def __init__(self, label: str, cookie: str | None, token: str | None, since: datetime):
        self.label, self.since = label, since
        self.page_headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
        self.api_headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.api_path = "/events?" + urlencode({"limit": PAGE, "from": since.isoformat()})
        claims = jwt.decode(token, options={"verify_signature": False}) if token else None
        condition, self.params = access.visibility_condition(Principal.from_claims(claims) if claims else None)
        self.sql = f"SELECT * FROM events WHERE {condition} AND starts_at >= %s ORDER BY starts_at, id LIMIT %s"

    def select(self, conn) -> list:
        return conn.execute(self.sql, (*self.params, self.since, PAGE + 1)).fetchall()


def _load(port: int, path: str, headers: dict, opts) -> dict:
    outcome = loadgen.run({"method": "GET", "paths": [path], "headers": headers, "port": port,
                           "connections": opts.connections, "seconds": opts.seconds, "warmup": opts.warmup})
    return {"rate": outcome.rate, "ms": outcome.latencies_ms, "failures": outcome.failures,
            "statuses": outcome.statuses}


def _raw(conns: list, case: Case, opts) -> dict:
    sample = thread_load(conns, case.select, seconds=opts.seconds, warmup=opts.warmup)
    return {"rate": sample.rate, "ms": [s * 1000 for s in sample.latencies], "failures": sample.failures,
            "statuses": {}}


def _one_side(side: str, case: Case, ports: dict, conns: list, opts) -> dict:
    if side == "page":
        return _load(ports["web"], "/", case.page_headers, opts)
    if side == "api":
        return _load(ports["events"], case.api_path, case.api_headers, opts)
    return _raw(conns, case, opts)


# ---------------------------------------------------------------- checks before measuring
def _checks(case: Case, ports: dict, conn) -> list[Row]:
    """The page lists the API's events, the API's page is the SQL's, and the page is the reader's."""
    page = requests.get(f"http://127.0.0.1:{ports['web']}/", headers=case.page_headers, timeout=30)
    api = requests.get(f"http://127.0.0.1:{ports['events']}{case.api_path}", headers=case.api_headers, timeout=30)
    shown = EVENT_LINK.findall(page.text)
    listed = [item["id"] for item in api.json()["items"]] if api.status_code == 200 else []
    selected = [str(row[0]) for row in case.select(conn)][:PAGE]
    signed_in = 'action="/auth/logout"' in page.text
    return [
        Row(f"GET / {case.label}: events on the page = the API's page (events listed)", "count", len(shown), None,
            "> 0, same", page.status_code == 200 and bool(shown) and shown[:len(listed)] == listed[:len(shown)]),
        Row(f"GET /events {case.label}: the API's page = the SQL's rows (events)", "count", len(listed), None,
            "same", bool(listed) and listed == selected),
        Row(f"GET / {case.label}: the page shows the reader signed {'in' if case.page_headers else 'out'}",
            "count", int(signed_in), None, "1" if case.page_headers else "0", signed_in == bool(case.page_headers)),
    ]


# ---------------------------------------------------------------- measuring
def measure(case: Case, ports: dict, settings, opts) -> list[Row]:
    measured = {side: [] for side in SIDES}
    conns = [connect_service(settings, autocommit=True) for _ in range(opts.connections)]
    try:
        rows = _checks(case, ports, conns[0])
        for n in range(opts.rounds):
            order = SIDES[n % 3:] + SIDES[:n % 3]  # each side goes first in turn
            for side in order:
                measured[side].append(_one_side(side, case, ports, conns, opts))
            _say(f"  round {n + 1}, {case.label}: page {measured['page'][-1]['rate']:7,.1f}/s, API "
                 f"{measured['api'][-1]['rate']:7,.1f}/s, raw {measured['raw'][-1]['rate']:7,.1f}/s")
    finally:
        for conn in conns:
            conn.close()
    return rows + _figures(case, measured)


def _median_rate(results: list[dict]) -> float:
    return statistics.median(r["rate"] for r in results)


def _paired(top: list[dict], bottom: list[dict]) -> float:
    return statistics.median(a["rate"] / b["rate"] for a, b in zip(top, bottom) if b["rate"])


def _figures(case: Case, measured: dict) -> list[Row]:
    page, api, raw = measured["page"], measured["api"], measured["raw"]
    pooled = {side: [ms for r in results for ms in r["ms"]] for side, results in measured.items()}
    name = case.label
    rows = [
        Row(f"GET / (program page) {name}: pages/s vs GET /events", "req/s", _median_rate(page), _median_rate(api),
            paired=_paired(page, api), note="raw column: the events API call the page makes, measured directly"),
        Row(f"GET / (program page) {name}: pages/s vs the SELECT", "req/s", _median_rate(page), _median_rate(raw),
            paired=_paired(page, raw)),
        Row(f"GET /events?limit={PAGE}&from=… {name}: requests/s vs the SELECT", "req/s", _median_rate(api),
            _median_rate(raw), paired=_paired(api, raw)),
    ]
    for side, label in (("page", "GET / (program page)"), ("api", f"GET /events?limit={PAGE}&from=…")):
        rows += [Row(f"{label} {name}: {p} vs the SELECT's", "ms", percentile(pooled[side], q),
                     percentile(pooled["raw"], q)) for p, q in (("p50", 50), ("p99", 99))]
    failures = {side: sum(r["failures"] for r in results) for side, results in measured.items()}
    statuses = {code for r in page + api for code in r["statuses"]}
    rows.append(Row(f"{name} under load: failed responses (page + API / raw), every answer a 200", "count",
                    failures["page"] + failures["api"], failures["raw"], "0",
                    sum(failures.values()) == 0 and statuses == {"200"}))
    return rows


def run(opts) -> dict:
    environment = {"cpus": os.cpu_count(), "python": platform.python_version(),
                   "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    codes: queue.Queue = queue.Queue()
    ports = {name: free_port() for name in ("registry", "events", "notifications", "web", "smtp")}
    with tempfile.TemporaryDirectory(prefix="birlikte-bench-") as logs, isolated(load_settings(), Path(logs)) as bench:
        controller, _ = mailcatcher.start(Path(logs) / "mail", ports["smtp"],
                                          on_sign_in=lambda to, code: codes.put((to, code)))
        try:
            rows = _run(bench, ports, codes, opts)
        finally:
            controller.stop()
    environment["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return {"suite": "program", "environment": environment,
            "config": {k: v for k, v in vars(opts).items() if k != "json"},
            "figures": [r.as_json() for r in rows], "rows": rows}


def _run(bench, ports: dict, codes: queue.Queue, opts) -> list[Row]:
    settings = bench.settings = _settings(bench.settings, ports)
    for service in (registry, events, notifications, web):
        migrate(settings, service.NAME, service.SERVICE.migrations)
    demo = dict(load_demo(settings, [registry.NAME, events.NAME]))
    register_web_client(settings, secret=settings.web_client_secret)
    _say(f"  demo data: {demo[events.NAME].get('events', 0)} events, {demo[registry.NAME].get('people', 0)} people")
    rows = []
    with platform_up(bench, ports, opts):
        cookie = sign_in(settings, codes)
        _say(f"  signed in to the web app as {READER[0]} ({READER[1]}), by the emailed code")
        since = datetime.now(timezone.utc)
        for case in (Case("signed out", None, None, since),
                     Case("signed in", cookie, access_token_of(settings, cookie), since)):
            _say(f"measuring the program page {case.label}…")
            rows += measure(case, ports, settings, opts)
    return rows


def report(result: dict) -> str:
    env, cfg = result["environment"], result["config"]
    lines = [
        "",
        f"Birlikte program page vs the events API and the raw stack — every service under gunicorn {cfg['workers']} "
        f"workers × {cfg['threads']} threads; {cfg['connections']} keep-alive connections vs {cfg['connections']} "
        f"psycopg connections (threads of one process); {cfg['rounds']} rounds of {cfg['seconds']:g} s "
        f"(+{cfg['warmup']:g} s warm-up) per side; the demo community's program",
        f"{env['cpus']} CPUs, shared by the load generator, four services, PostgreSQL and RabbitMQ; load average "
        f"{env['load_average_before'][0]} before, {env['load_average_after'][0]} after.",
        "ratio = ours ÷ raw (for latencies above 1 is slower); rates are the median round's, their ratio the median "
        "of the rounds' own ratios. Nothing here is a target: the figures are for reading.",
        "",
        table(result["rows"]),
    ]
    return report_lines(lines, result["rows"])


def options(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.program", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a short smoke run: one round of a second or so each")
    p.add_argument("--seconds", type=float, help="measured seconds per load (default 4; quick 1)")
    p.add_argument("--rounds", type=int, help="rounds, medians reported (default 3; quick 1)")
    p.add_argument("--connections", type=int, default=8, help="concurrent connections, every side (default 8)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as `birlikte serve`)")
    p.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, as `birlikte serve`)")
    p.add_argument("--json", help="also write the results to this file")
    opts = p.parse_args(argv)
    for name, (full, small) in {"seconds": (4.0, 1.0), "rounds": (3, 1)}.items():
        if getattr(opts, name) is None:
            setattr(opts, name, small if opts.quick else full)
    opts.warmup = 0.3 if opts.quick else 1.0
    return opts


def main(argv=None) -> int:
    return suite_main(options, run, report, argv)


if __name__ == "__main__":
    sys.exit(main())
