"""The events service under load, against the same SQL in plain psycopg, in one run.

    .venv/bin/python -m benchmarks.events [--events 100000] [--registrations 1000000]
                                          [--duration 4] [--rounds 5] [--quick] [--json PATH]

1. Load. A database of its own (birlikte_bench_events_<random>, dropped at the end, also on a
   failure or SIGTERM), the events schema migrated (shared.migrations.migrate), then by COPY:
   local copies of ~1,000 organizations, their people (20 each) and memberships; events spread
   over three years around today (mixed kinds, formats, visibility, topics, organizers, drafts,
   cancelled and completed ones); registrations with statuses and seat counters consistent
   (registered up to capacity in arrival order, the rest waitlisted, a few cancelled).
2. Listing. GET /events as a community member (a member token of one organization), unfiltered
   and filtered by kind, served by gunicorn exactly as `birlikte serve` serves it
   (shared.cli.serving.run_gunicorn, in a subprocess whose settings point at the bench database),
   16 keep-alive connections: requests/s, p50, p99 for the first page and for a page 90% deep
   (a cursor made with shared.paging.encode_cursor from the (starts_at, id) of that
   row). Against it: the same SELECT (same visibility condition, same keyset clause, LIMIT 51)
   from as many threads with plain psycopg. The deep page's plan (EXPLAIN ANALYZE) is shown,
   as planned for these values and as the generic plan a prepared statement may switch to.
3. Registrations under contention. A few events of 30 seats; 32 keep-alive connections register
   distinct people (member tokens: subject the person, member_of their organization) through
   POST /events/<id>/registrations; against it, 32 threads run the bare transaction (lock the
   event row, insert the registration, update the counters) on other events of the same shape.
   The API does more than that transaction: it verifies the token, validates the body, loads
   the event as the caller may see it, checks the organization, person and membership copies,
   looks up overlapping registrations, counts the waitlist position and writes an outbox
   message. Afterwards: no event holds more people than its seats, the counters match the rows,
   seats went first come first served and the waitlist positions the API gave are 1..W.

Nothing here asserts a timing: the machine is shared by the load client, gunicorn and
PostgreSQL, and noisy. Rounds alternate their order (ABBA: first and deep pages; API and raw
registrations), rates are the median round's, and the deep ÷ first figure is the median of each
round's own ratio, so slow drifts of the machine cancel out. The correctness checks decide the
exit status.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from psycopg import sql

from services import events as events_service
from services.events import access
from shared.auth.principal import Principal
from shared.auth.tokens import TokenIssuer
from shared.cli.ops import maintenance_url
from shared.config import Settings, load_settings, settings_environment
from shared.paging import decode_cursor, encode_cursor
from shared.migrations import migrate

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"organizational_meeting": 25, "civil_space_discussion": 20, "information_session": 25,
         "thematic_meeting": 20, "study_visit": 10}
FORMATS = {"in_person": 40, "online": 35, "hybrid": 25}
VISIBILITY = {"public": 55, "members": 35, "invitation": 10}
TAGS = ("workers_rights", "gender_equality", "climate", "refugees", "youth", "disability_rights", "media_freedom",
        "local_democracy", "culture", "education", "health", "housing", "digital_rights", "peace", "volunteering")
CITIES = ("İstanbul", "Ankara", "İzmir", "Diyarbakır", "Trabzon", "Eskişehir", "Berlin", "Brüksel")
ZONES = ("Europe/Istanbul", "Europe/Berlin", "Europe/Brussels")
FILTER_KIND = "information_session"
PEOPLE_PER_ORG = 20
SEATS = 30          # capacity of the contention events
PAGE = 50           # the API's default page size; the SQL fetches PAGE + 1 like shared.rows.page
MACHINE_NOTE = ("one machine with {cores} cores shared by the load client, gunicorn and PostgreSQL {pg}, "
                "and by whatever else runs on it: the figures are noisy; read them, do not assert them")

# The server: the events app under gunicorn with the production options (shared.cli.serving).
SERVE = ("import sys; from shared.config import load_settings; from shared.cli.serving import run_gunicorn; "
         "run_gunicorn(load_settings(), 'events', '127.0.0.1', int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))")


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

@dataclass
class Sample:
    """One measured run: completed operations, elapsed seconds, latencies (s), failures."""
    done: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(rank) - 1]


class Report:
    """Measured figures (ours, raw, ratio = ours / raw) and checks, printed and saved.

    A row: figure, ours, raw, ratio, unit, held. Checks have unit "check" (they decide the exit
    status), "plan" or "note" (for reading)."""

    def __init__(self):
        self.rows: list[dict] = []

    def figure(self, name: str, ours: float, raw: float | None, unit: str) -> None:
        ratio = ours / raw if raw else None
        self.rows.append({"figure": name, "ours": ours, "raw": raw, "ratio": ratio, "unit": unit, "held": ""})

    def check(self, name: str, ours, raw, held: bool, *, kind: str = "check") -> None:
        self.rows.append({"figure": name, "ours": ours, "raw": raw, "ratio": None, "unit": kind,
                          "held": "yes" if held else "NO"})

    @property
    def failed(self) -> list[str]:
        return [r["figure"] for r in self.rows if r["unit"] == "check" and r["held"] != "yes"]

    def print(self, title: str) -> None:
        informative = ("check", "plan", "note")
        table = [("figure", "ours", "raw SQL", "ours / raw")]
        table += [(r["figure"], _number(r["ours"], r["unit"]), _number(r["raw"], r["unit"]),
                   "—" if r["ratio"] is None else f"{r['ratio']:.2f}")
                  for r in self.rows if r["unit"] not in informative]
        _print_table(title, table)
        table = [("check", "ours", "raw SQL", "held")]
        table += [(r["figure"], _text(r["ours"]), _text(r["raw"]), r["held"] + ("" if r["unit"] == "check" else " (info)"))
                  for r in self.rows if r["unit"] in informative]
        _print_table("checks", table)


def _number(value, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}" if unit in ("/s", "s") else f"{value:,.2f}"


def _text(value) -> str:
    return "—" if value is None else str(value)


def _print_table(title: str, table: list[tuple]) -> None:
    widths = [max(len(str(row[i])) for row in table) for i in range(len(table[0]))]
    print(f"\n{title}")
    for n, row in enumerate(table):
        cells = [str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row)]
        print("  " + "  ".join(cells))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


# ---------------------------------------------------------------------------------------------
# A database of its own, and the server
# ---------------------------------------------------------------------------------------------

def _keypair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@contextlib.contextmanager
def bench_database():
    """Settings on a fresh database birlikte_bench_events_<random>, dropped afterwards whatever happens."""
    base = load_settings()
    name = f"birlikte_bench_events_{uuid.uuid4().hex[:8]}"
    admin = maintenance_url(base.database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        private, public = _keypair()
        url = urlsplit(base.database_url)._replace(path="/" + name).geturl()
        yield base.replace(database_url=url, jwt_private_key=private, jwt_public_key=public, jwks_url=None)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        print(f"dropped database {name}", flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def events_server(settings: Settings, workers: int, threads: int):
    """The events API under gunicorn (run_gunicorn, production options) in a subprocess; yields its port."""
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BIRLIKTE_")}, **settings_environment(settings)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    log = tempfile.NamedTemporaryFile(prefix="bench-events-server-", suffix=".log", delete=False)
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(port), str(workers), str(threads)], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the events server did not start:\n" + _tail(log.name))
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()  # gunicorn's arbiter stops its workers gracefully on SIGTERM
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our own child's process group
            process.wait()
        log.close()
        os.unlink(log.name)


def _tail(path: str, lines: int = 30) -> str:
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def connect_service(settings: Settings, **kwargs) -> psycopg.Connection:
    """A plain psycopg connection as the events service's own role (what the raw baseline uses)."""
    return psycopg.connect(settings.database_url_for("events"), options="-c search_path=events", **kwargs)


def connect_admin(settings: Settings, **kwargs) -> psycopg.Connection:
    return psycopg.connect(settings.database_url, options="-c search_path=events", **kwargs)


# ---------------------------------------------------------------------------------------------
# 1. Load
# ---------------------------------------------------------------------------------------------

@dataclass
class Community:
    orgs: list[str]
    people: list[str]

    def org_of(self, person: int) -> str:
        """A person's first organization (every person has one; a tenth have a second)."""
        return self.orgs[person % len(self.orgs)]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _pick(rng: random.Random, weighted: dict) -> str:
    return rng.choices(tuple(weighted), weights=tuple(weighted.values()))[0]


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _array(values) -> str:
    return "{" + ",".join(values) + "}"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _copy(cur, statement: str, lines, batch: int = 20_000) -> int:
    count = 0
    with cur.copy(statement) as copy:
        buffer = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= batch:
                copy.write("".join(buffer))
                count += len(buffer)
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))
            count += len(buffer)
    return count


def load(settings: Settings, n_events: int, n_registrations: int, seed: int = 7) -> tuple[Community, dict]:
    """Fill the local copies, the events and their registrations; returns the community and timings."""
    rng = random.Random(seed)
    timings = {}
    began = time.perf_counter()
    n_orgs = max(20, min(1000, n_events // 100))
    n_people = n_orgs * PEOPLE_PER_ORG
    community = Community([_uuid(rng) for _ in range(n_orgs)], [_uuid(rng) for _ in range(n_people)])
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    origin = (now - timedelta(days=548)).replace(minute=0)   # three years, half past, half to come
    slots = 3 * 365 * 24 * 4                                  # quarter hours: start times collide, ids break ties

    events, seats = [], []   # the events' columns; per event (people, statuses) of its registrations
    for n in range(n_events):
        kind, fmt, visibility = _pick(rng, KINDS), _pick(rng, FORMATS), _pick(rng, VISIBILITY)
        starts = origin + timedelta(minutes=15 * rng.randrange(slots))
        ends = starts + (timedelta(days=rng.randint(1, 3)) if kind == "study_visit"
                         else timedelta(minutes=30 * rng.randint(2, 8)))
        if ends > now and rng.random() < 0.04:
            status = "draft"
        elif ends <= now:
            status = "cancelled" if rng.random() < 0.03 else "completed"
        else:
            status = "cancelled" if rng.random() < 0.02 else "rescheduled" if rng.random() < 0.04 else "scheduled"
        organizers = rng.sample(range(n_orgs), 1 if rng.random() < 0.8 else 2)
        city = rng.choice(CITIES)
        events.append({
            "id": _uuid(rng), "kind": kind, "format": fmt, "visibility": visibility, "status": status,
            "title": {"tr": f"{city} buluşması {n}", "en": f"{city} meeting {n}"},
            "description": {"tr": f"Sivil toplum örgütlerinin {city} buluşması; açık tartışma ve çalışma grupları. "
                                  f"Program {n}."},
            "languages": rng.choice((["tr"], ["tr", "en"], ["en"], ["tr", "ku"])),
            "starts_at": starts, "ends_at": ends, "time_zone": rng.choice(ZONES),
            "display_time_zones": ["Europe/Berlin"] if rng.random() < 0.2 else [],
            "venue": {"name": f"{city} Kültür Merkezi", "city": city, "address": f"Cumhuriyet Cad. {n % 200}",
                      "country": "DE" if city == "Berlin" else "BE" if city == "Brüksel" else "TR"}
            if fmt != "online" else None,
            "online_url": f"https://meet.example.org/birlikte-{n}" if fmt != "in_person" else None,
            "organizer_ids": [community.orgs[o] for o in organizers],
            "host_id": community.orgs[rng.randrange(n_orgs)] if fmt != "online" and rng.random() < 0.3 else None,
            "partner_ids": [community.orgs[o] for o in rng.sample(range(n_orgs), rng.choice((0, 0, 0, 1, 2)))],
            "invited_ids": [community.orgs[o] for o in rng.sample(range(n_orgs), rng.randint(3, 10))]
            if visibility == "invitation" else [],
            "speakers": [{"name": f"Konuşmacı {n}", "role": "speaker"}] if rng.random() < 0.5 else [],
            "topics": rng.sample(TAGS, rng.randint(0, 3)),
            "capacity": None if rng.random() < 0.3 else rng.choice((20, 30, 50, 100, 200)),
            "sequence": 1 if status == "rescheduled" else 0,
            "created_by": community.people[rng.randrange(n_people)],
            "cancelled_at": starts - timedelta(days=2) if status == "cancelled" else None,
            "cancel_reason": "Katılım yetersiz" if status == "cancelled" else None,
            "completed_at": ends if status == "completed" else None,
        })

    # Registrations: drafts take none; popularity is skewed (log-normal), so some events fill
    # up and waitlist, most have a handful. Each event's registrations in arrival order: a few
    # cancelled, then registered while seats last, then waitlisted.
    open_events = [n for n, e in enumerate(events) if e["status"] != "draft"]
    popularity = [rng.lognormvariate(0, 1) for _ in open_events]
    counts = [0] * n_events
    for n in rng.choices(open_events, weights=popularity, k=n_registrations):
        counts[n] += 1
    overflow = sum(max(0, c - n_people) for c in counts)
    for n, event in enumerate(events):
        people = rng.sample(range(n_people), min(counts[n], n_people))
        statuses, seated, waiting = [], 0, 0
        for _ in people:
            if rng.random() < 0.03:
                statuses.append("cancelled")
            elif event["capacity"] is None or seated < event["capacity"]:
                statuses.append("registered")
                seated += 1
            else:
                statuses.append("waitlisted")
                waiting += 1
        event["registered_count"], event["waitlist_count"] = seated, waiting
        seats.append((people, statuses))
    timings["generate"] = time.perf_counter() - began

    began = time.perf_counter()
    columns = ("id", "kind", "format", "visibility", "status", "title", "description", "languages", "starts_at",
               "ends_at", "time_zone", "display_time_zones", "venue", "online_url", "organizer_ids", "host_id",
               "partner_ids", "invited_ids", "speakers", "topics", "capacity", "sequence", "registered_count",
               "waitlist_count", "created_by", "cancelled_at", "cancel_reason", "completed_at")
    jsons = {"title", "description", "venue", "speakers"}
    arrays = {"languages", "display_time_zones", "organizer_ids", "partner_ids", "invited_ids", "topics"}

    def event_lines():
        for e in events:
            cells = []
            for c in columns:
                value = e[c]
                if value is not None and c in jsons:
                    value = _json(value)
                elif c in arrays:
                    value = _array(value)
                elif isinstance(value, datetime):
                    value = value.isoformat()
                cells.append(_copy_text(value))
            yield "\t".join(cells) + "\n"

    def registration_lines():
        for event, (people, statuses) in zip(events, seats):
            for person, status in zip(people, statuses):
                yield (f"{event['id']}\t{community.people[person]}\t{community.org_of(person)}\t{status}\t"
                       f"{community.people[person]}\n")

    memberships = [(community.org_of(n), p, n < n_orgs) for n, p in enumerate(community.people)]
    memberships += [(community.orgs[(n * 7 + 3) % n_orgs], p, False)          # a tenth belong to a second one
                    for n, p in enumerate(community.people) if n % 10 == 0 and (n * 7 + 3) % n_orgs != n % n_orgs]
    with connect_admin(settings) as conn, conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        _copy(cur, "COPY organizations (id, name, country, roles, status, version) FROM STDIN",
              (f"{o}\tÖrgüt {n}\t{'TR' if n % 5 else 'DE'}\t{{participant{',host' if n % 3 == 0 else ''}}}\tactive\t1\n"
               for n, o in enumerate(community.orgs)))
        _copy(cur, "COPY people (id, full_name, time_zone, preferred_language, status, version) FROM STDIN",
              (f"{p}\tKişi {n}\t{ZONES[n % 3]}\t{'tr' if n % 4 else 'en'}\tactive\t1\n"
               for n, p in enumerate(community.people)))
        _copy(cur, "COPY memberships (id, organization_id, person_id, kind, is_admin, status) FROM STDIN",
              (f"{_uuid(rng)}\t{org}\t{person}\tmember\t{'t' if admin else 'f'}\tactive\n"
               for org, person, admin in memberships))
        _copy(cur, f"COPY events ({', '.join(columns)}) FROM STDIN", event_lines())
        written = _copy(cur, "COPY registrations (event_id, person_id, organization_id, status, registered_by) "
                             "FROM STDIN", registration_lines(), batch=50_000)
        conn.commit()
    timings["copy"] = time.perf_counter() - began
    began = time.perf_counter()
    with connect_admin(settings, autocommit=True) as conn:   # as the tables' owner, as autovacuum would
        conn.execute("VACUUM (ANALYZE) organizations, people, memberships, events, registrations")
    timings["vacuum"] = time.perf_counter() - began
    timings.update(orgs=n_orgs, people=n_people, memberships=len(memberships), events=n_events,
                   registrations=written, overflow=overflow)
    return community, timings


# ---------------------------------------------------------------------------------------------
# Load generators: keep-alive HTTP/1.1 connections (asyncio), and plain psycopg threads
# ---------------------------------------------------------------------------------------------

class Closed(Exception):
    """The server closed the connection."""


async def _read_response(reader) -> tuple[int, bytes, bool]:
    line = await reader.readline()
    if not line:
        raise Closed()
    status = int(line.split()[1])
    length, chunked, close = 0, False, False
    while True:
        line = await reader.readline()
        if not line:
            raise Closed()
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            parts.append(await reader.readexactly(size))
            await reader.readline()
        return status, b"".join(parts), close
    return status, (await reader.readexactly(length)) if length else b"", close


def http_load(port: int, connections: int, next_request, *, seconds: float, warmup: float = 0.0,
              answer=None) -> Sample:
    """Keep `connections` connections busy until `seconds` after `warmup`, or until
    `next_request()` returns None. It returns (request bytes, context); `answer(status, body,
    context)` says whether the answer is right (default: status 200)."""
    return asyncio.run(_http_load(port, connections, next_request, seconds, warmup, answer))


async def _http_load(port, connections, next_request, seconds, warmup, answer) -> Sample:
    sample = Sample()
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + seconds
    last = [measure_from]

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                began = time.perf_counter()
                if began >= stop_at:
                    return
                work = next_request()
                if work is None:
                    return
                data, context = work
                try:
                    writer.write(data)
                    status, body, close = await _read_response(reader)
                except (Closed, ConnectionError, asyncio.IncompleteReadError) as exc:
                    status, body, close = 0, repr(exc).encode(), True
                ended = time.perf_counter()
                right = answer(status, body, context) if answer else status == 200
                if began >= measure_from:
                    sample.done += 1
                    sample.latencies.append(ended - began)
                    last[0] = max(last[0], ended)
                    if not right:
                        sample.failures += 1
                        if len(sample.problems) < 3:
                            sample.problems.append(f"{status} {body[:300].decode(errors='replace')}")
                if close:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    sample.seconds = last[0] - measure_from
    return sample


class Exhausted(Exception):
    """No work left for a thread."""


def thread_load(conns: list[psycopg.Connection], unit, *, seconds: float, warmup: float = 0.0) -> Sample:
    """One thread per connection calling `unit(conn)` until `seconds` after `warmup` (or Exhausted)."""
    sample, lock = Sample(), threading.Lock()
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + seconds
    last = [measure_from]

    def worker(conn):
        latencies, failures, problems, finished = [], 0, [], measure_from
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                break
            try:
                unit(conn)
                right = True
            except Exhausted:
                break
            except psycopg.Error as exc:
                right = False
                problems.append(repr(exc)[:300])
                if not conn.autocommit:
                    conn.rollback()
            ended = time.perf_counter()
            if began >= measure_from:
                latencies.append(ended - began)
                finished = ended
                failures += not right
        with lock:
            sample.done += len(latencies)
            sample.latencies += latencies
            sample.failures += failures
            sample.problems += problems[:3]
            last[0] = max(last[0], finished)

    workers = [threading.Thread(target=worker, args=(conn,)) for conn in conns]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    sample.seconds = last[0] - measure_from
    return sample


# ---------------------------------------------------------------------------------------------
# 2. Listing
# ---------------------------------------------------------------------------------------------

@dataclass
class Plan:
    indexes: list[str]
    sorts: bool
    milliseconds: float
    buffers: int
    text: str = ""

    @property
    def verdict(self) -> str:
        used = ", ".join(self.indexes) if self.indexes else "NO index (a scan of the table)"
        return used + ("; SORTS the rows: the index does not give the order" if self.sorts else "; no sort")

    @property
    def good(self) -> bool:
        return bool(self.indexes) and not self.sorts


def explain(conn: psycopg.Connection, statement: str, params: tuple, *, generic: bool = False) -> Plan:
    """EXPLAIN (ANALYZE, BUFFERS) of a statement; with `generic`, of the generic plan a prepared
    statement may switch to after five executions (psycopg prepares a query after five too)."""
    cur = psycopg.ClientCursor(conn)
    if generic:
        numbers = itertools.count(1)
        prepared = "".join(part + (f"${next(numbers)}" if i < statement.count("%s") else "")
                           for i, part in enumerate(statement.split("%s")))
        cur.execute(f"PREPARE bench_plan AS {prepared}")
        cur.execute("SET plan_cache_mode = force_generic_plan")
        target = "EXECUTE bench_plan(" + ", ".join(["%s"] * len(params)) + ")"
    else:
        target = statement
    try:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {target}", params)
        found = cur.fetchone()[0][0]
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {target}", params)
        text = "\n".join(r[0] for r in cur.fetchall())
    finally:
        if generic:
            cur.execute("RESET plan_cache_mode")
            cur.execute("DEALLOCATE bench_plan")
    indexes, sorts = [], False

    def walk(node):
        nonlocal sorts
        if "Index Name" in node:
            indexes.append(f"{node['Node Type']} using {node['Index Name']}")
        sorts = sorts or "Sort" in node["Node Type"]
        for child in node.get("Plans", ()):
            walk(child)
    walk(found["Plan"])
    buffers = found["Plan"].get("Shared Hit Blocks", 0) + found["Plan"].get("Shared Read Blocks", 0)
    return Plan(indexes, sorts, found.get("Execution Time", 0.0), buffers, text)


def listing(settings: Settings, community: Community, port: int, report: Report, args) -> None:
    issuer = TokenIssuer(settings)
    member = 0
    token = issuer.issue(community.people[member], roles=("member",), member_of=(community.org_of(member),))
    principal = Principal.from_claims(jwt.decode(token, options={"verify_signature": False}))
    condition, visibility_params = access.visibility_condition(principal)   # the very condition the API uses
    auth = f"Authorization: Bearer {token}\r\n"

    def select(extra: str, deep: bool) -> str:
        keyset = " AND (starts_at, id) > (%s, %s)" if deep else ""
        return f"SELECT * FROM events WHERE {condition}{extra}{keyset} ORDER BY starts_at, id LIMIT {PAGE + 1}"

    cases = []   # (label, query string, extra SQL, extra params, cursor, cursor values as the API decodes them)
    with connect_service(settings, autocommit=True) as conn:
        for label, query, extra, extra_params in (("GET /events", "", "", ()),
                                                  (f"GET /events?kind={FILTER_KIND}", f"&kind={FILTER_KIND}",
                                                   " AND kind = %s", (FILTER_KIND,))):
            visible = conn.execute(f"SELECT count(*) FROM events WHERE {condition}{extra}",
                                   (*visibility_params, *extra_params)).fetchone()[0]
            position = int(visible * 0.9)
            key = conn.execute(f"SELECT starts_at, id FROM events WHERE {condition}{extra} ORDER BY starts_at, id "
                               "OFFSET %s LIMIT 1", (*visibility_params, *extra_params, max(0, position - 1))).fetchone()
            cursor = encode_cursor(key)
            print(f"  {label}: {visible:,} events visible to the member; deep cursor after row {position:,} "
                  f"({key[0].isoformat()}, {key[1]})", flush=True)
            cases.append((label, query, extra, extra_params, cursor, decode_cursor(cursor)))

        # The deep page's plan, as the API asks for it (same SQL, same parameters), beside the first page's.
        for label, _, extra, extra_params, _, after in cases:
            first = explain(conn, select(extra, False), (*visibility_params, *extra_params))
            deep = explain(conn, select(extra, True), (*visibility_params, *extra_params, *after))
            generic = explain(conn, select(extra, True), (*visibility_params, *extra_params, *after), generic=True)
            print(f"\n  {label}, deep page: {deep.verdict}; {deep.milliseconds:.2f} ms, {deep.buffers} buffers "
                  f"(first page: {first.verdict}; {first.milliseconds:.2f} ms, {first.buffers} buffers)\n"
                  f"  generic plan of the deep page: {generic.verdict}; {generic.milliseconds:.2f} ms, "
                  f"{generic.buffers} buffers\n    " + deep.text.replace("\n", "\n    "), flush=True)
            report.check(f"{label}, deep page plan: index, no sort (generic plan too)",
                         f"{', '.join(deep.indexes) or 'no index'}{'' if not deep.sorts else ' + sort'}; "
                         f"{deep.buffers} buffers vs {first.buffers} first", None,
                         deep.good and generic.good, kind="plan")

        # Before measuring: the API's pages are the SQL's pages.
        same, compared = 0, 0
        for label, query, extra, extra_params, cursor, after in cases:
            for deep in (False, True):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/events?limit={PAGE}{query}" + (f"&cursor={cursor}" if deep else ""),
                    headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(request, timeout=30) as response:
                    items = json.load(response)["items"]
                expected = conn.execute(select(extra, deep), (*visibility_params, *extra_params,
                                                              *(after if deep else ()))).fetchall()[:PAGE]
                compared += 1
                same += bool(items) and [i["id"] for i in items] == [str(r[0]) for r in expected]
    report.check("API pages = the SQL's pages (first and deep, both listings)", f"{same}/{compared}", None,
                 same == compared)

    measured: dict[tuple, list[Sample]] = {}
    raw_conns = [connect_service(settings, autocommit=True) for _ in range(args.connections)]
    try:
        for round_ in range(args.rounds):
            for label, query, extra, extra_params, cursor, after in cases:
                # ABBA: first then deep in even rounds, deep then first in odd ones.
                for depth in ("first", "deep") if round_ % 2 == 0 else ("deep", "first"):
                    deep = depth == "deep"
                    path = f"/events?limit={PAGE}{query}" + (f"&cursor={cursor}" if deep else "")
                    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}\r\n".encode()
                    ours = http_load(port, args.connections, lambda r=request: (r, None), seconds=args.duration,
                                     warmup=args.warmup)
                    statement = select(extra, deep)
                    params = (*visibility_params, *extra_params, *(after if deep else ()))
                    raw = thread_load(raw_conns, lambda c, s=statement, p=params: c.execute(s, p).fetchall(),
                                      seconds=args.duration, warmup=args.warmup)
                    measured.setdefault((label, depth, "ours"), []).append(ours)
                    measured.setdefault((label, depth, "raw"), []).append(raw)
                    print(f"  round {round_ + 1}: {label:<{len(cases[-1][0])}} {depth:>5} page: "
                          f"ours {ours.rate:7,.1f}/s  raw {raw.rate:7,.1f}/s", flush=True)
    finally:
        for conn in raw_conns:
            conn.close()

    failures, problems = 0, []
    for label, *_ in cases:
        for depth in ("first", "deep"):
            ours, raw = measured[(label, depth, "ours")], measured[(label, depth, "raw")]
            failures += sum(s.failures for s in ours)
            problems += [p for s in ours for p in s.problems]
            ours_latencies = [x for s in ours for x in s.latencies]
            raw_latencies = [x for s in raw for x in s.latencies]
            report.figure(f"{label}, {depth} page: requests/s (median round)",
                          statistics.median(s.rate for s in ours), statistics.median(s.rate for s in raw), "/s")
            report.figure(f"{label}, {depth} page: p50 ms", percentile(ours_latencies, 50) * 1000,
                          percentile(raw_latencies, 50) * 1000, "ms")
            report.figure(f"{label}, {depth} page: p99 ms", percentile(ours_latencies, 99) * 1000,
                          percentile(raw_latencies, 99) * 1000, "ms")

        def flat(side: str) -> float:
            """The median over rounds of that round's deep ÷ first rate."""
            pairs = zip(measured[(label, "deep", side)], measured[(label, "first", side)])
            return statistics.median(d.rate / f.rate for d, f in pairs if f.rate)
        report.figure(f"{label}: deep ÷ first page requests/s (flat ≈ 1)", flat("ours"), flat("raw"), "x")
    if problems:
        print("  listing problems: " + " | ".join(problems[:3]), flush=True)
    report.check("listing failed responses (non-200)", failures, None, failures == 0)


# ---------------------------------------------------------------------------------------------
# 3. Registrations under contention
# ---------------------------------------------------------------------------------------------

def _contention_events(conn, community: Community, count: int, tag: str) -> list[str]:
    made = []
    for n in range(count):
        starts = (datetime.now(timezone.utc) + timedelta(days=200, hours=3 * n)).replace(second=0, microsecond=0)
        made.append(str(conn.execute(
            "INSERT INTO events (kind, format, title, starts_at, ends_at, time_zone, online_url, organizer_ids, "
            "capacity, visibility, status, created_by) VALUES (%s, 'online', %s, %s, %s, 'Europe/Istanbul', "
            "%s, %s, %s, 'members', 'scheduled', 'bench') RETURNING id",
            (FILTER_KIND, _json({"tr": f"Bilgilendirme {tag} {n}", "en": f"Information session {tag} {n}"}), starts,
             starts + timedelta(hours=2), "https://meet.example.org/contention", [community.orgs[1]], SEATS))
            .fetchone()[0]))
    return made


def contention(settings: Settings, community: Community, port: int, report: Report, args) -> None:
    rng = random.Random(11)
    k = args.contention_events
    with connect_admin(settings, autocommit=True) as conn:
        ours_events = _contention_events(conn, community, k, "api")
        raw_events = _contention_events(conn, community, k, "raw")
    order = rng.sample(range(len(community.people)), len(community.people))   # people in the order they come
    # A token costs an RSA signature: enough people for the API at several times its rate here.
    api_people = order[: min(len(order), int(args.rounds * args.duration * 1000 / k) + 50)]
    issuer = TokenIssuer(settings)
    began = time.perf_counter()
    heads = []
    for p in api_people:
        token = issuer.issue(community.people[p], roles=("member",), member_of=(community.org_of(p),))
        heads.append((f"Authorization: Bearer {token}\r\n", _json({"organization_id": community.org_of(p)}).encode()))
    print(f"  {len(heads):,} member tokens issued in {time.perf_counter() - began:.1f} s; {k} + {k} events of "
          f"{SEATS} seats; {args.contention_connections} connections / threads; {args.rounds} rounds × "
          f"{args.duration:g} s, the same events all along (their waitlists grow)", flush=True)

    counter = itertools.count()
    answers: dict[str, list[tuple[str, int | None]]] = {e: [] for e in ours_events}

    def next_registration():
        person, event = divmod(next(counter), k)    # each person registers for each event, in turn
        if person >= len(heads):
            return None
        auth, body = heads[person]
        head = (f"POST /events/{ours_events[event]}/registrations HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        return head.encode() + body, ours_events[event]

    def answered(status: int, body: bytes, event: str) -> bool:
        if status != 201:
            return False
        data = json.loads(body)
        answers[event].append((data["status"], data["waitlist_position"]))
        return True

    raw_counter = itertools.count()

    def register(conn):
        person, event = divmod(next(raw_counter), k)
        if person >= len(order):
            raise Exhausted()
        person, event_id = order[person], raw_events[event]
        with conn.transaction():
            capacity, seated = conn.execute("SELECT capacity, registered_count FROM events WHERE id = %s FOR UPDATE",
                                            (event_id,)).fetchone()
            status = "registered" if capacity is None or seated < capacity else "waitlisted"
            conn.execute("INSERT INTO registrations (event_id, person_id, organization_id, status, registered_by) "
                         "VALUES (%s, %s, %s, %s, %s)", (event_id, community.people[person],
                                                         community.org_of(person), status, community.people[person]))
            conn.execute("UPDATE events SET registered_count = registered_count + %s, "
                         "waitlist_count = waitlist_count + %s, updated_at = now() WHERE id = %s",
                         (int(status == "registered"), int(status == "waitlisted"), event_id))

    samples: dict[str, list[Sample]] = {"ours": [], "raw": []}
    raw_conns = [connect_service(settings, autocommit=True) for _ in range(args.contention_connections)]
    try:
        for round_ in range(args.rounds):
            for side in ("ours", "raw") if round_ % 2 == 0 else ("raw", "ours"):   # ABBA, as for the listings
                if side == "ours":
                    sample = http_load(port, args.contention_connections, next_registration, seconds=args.duration,
                                       answer=answered)
                else:
                    sample = thread_load(raw_conns, register, seconds=args.duration)
                samples[side].append(sample)
            print(f"  round {round_ + 1}: API {samples['ours'][-1].done:,} registrations in "
                  f"{samples['ours'][-1].seconds:.1f} s ({samples['ours'][-1].rate:,.1f}/s); raw "
                  f"{samples['raw'][-1].done:,} in {samples['raw'][-1].seconds:.1f} s "
                  f"({samples['raw'][-1].rate:,.1f}/s)", flush=True)
    finally:
        for conn in raw_conns:
            conn.close()
    ours, raw = (Sample(done=sum(s.done for s in samples[side]), seconds=sum(s.seconds for s in samples[side]),
                        latencies=[x for s in samples[side] for x in s.latencies],
                        failures=sum(s.failures for s in samples[side]),
                        problems=[p for s in samples[side] for p in s.problems][:3]) for side in ("ours", "raw"))
    for side, sample in (("API", ours), ("raw", raw)):
        if sample.problems:
            print(f"  {side} registration problems: " + " | ".join(sample.problems), flush=True)
    name = "POST /events/<id>/registrations, 32 racing"
    report.figure(f"{name}: registrations/s (median round)", statistics.median(s.rate for s in samples["ours"]),
                  statistics.median(s.rate for s in samples["raw"]), "/s")
    report.figure(f"{name}: p50 ms", percentile(ours.latencies, 50) * 1000, percentile(raw.latencies, 50) * 1000, "ms")
    report.figure(f"{name}: p99 ms", percentile(ours.latencies, 99) * 1000, percentile(raw.latencies, 99) * 1000, "ms")

    # The invariants, from the rows themselves.
    with connect_admin(settings) as conn:
        tallies = ("SELECT event_id, count(*) FILTER (WHERE status = 'registered') AS seated, "
                   "count(*) FILTER (WHERE status = 'waitlisted') AS waiting FROM registrations GROUP BY event_id")
        total, over, off = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE e.capacity IS NOT NULL AND coalesce(t.seated, 0) > e.capacity), "
            "count(*) FILTER (WHERE e.registered_count <> coalesce(t.seated, 0) "
            "OR e.waitlist_count <> coalesce(t.waiting, 0)) "
            f"FROM events e LEFT JOIN ({tallies}) t ON t.event_id = e.id").fetchone()
        per_event = {str(r[0]): r[1:] for r in conn.execute(
            "SELECT event_id, count(*) FILTER (WHERE status = 'registered'), "
            "count(*) FILTER (WHERE status = 'waitlisted'), max(arrival) FILTER (WHERE status = 'registered'), "
            "min(arrival) FILTER (WHERE status = 'waitlisted') FROM registrations WHERE event_id = ANY(%s::uuid[]) "
            "GROUP BY event_id", (ours_events + raw_events,))}

    def first_come(events) -> int:
        right = 0
        for e in events:
            seated, waiting, last_seated, first_waiting = per_event.get(e, (0, 0, None, None))
            right += (seated == min(SEATS, seated + waiting)
                      and (waiting == 0 or last_seated is None or last_seated < first_waiting))
        return right

    contiguous = 0
    for e in ours_events:
        seated, waiting = per_event.get(e, (0, 0, None, None))[:2]
        positions = sorted(p for s, p in answers[e] if s == "waitlisted")
        contiguous += (positions == list(range(1, waiting + 1))
                       and sum(s == "registered" for s, _ in answers[e]) == seated)
    report.check(f"events over capacity (all {total:,} events)", over, None, over == 0)
    report.check("seat counters = the rows (events whose counters differ)", off, None, off == 0)
    report.check("seats first come first served, then the waitlist", f"{first_come(ours_events)}/{k}",
                 f"{first_come(raw_events)}/{k}", first_come(ours_events) == k and first_come(raw_events) == k)
    report.check("waitlist positions the API gave are 1..W, contiguous", f"{contiguous}/{k}", None, contiguous == k)
    report.check("registration failed responses (non-201)", ours.failures, raw.failures,
                 ours.failures == 0 and raw.failures == 0)
    full = sum(per_event.get(e, (0,))[0] == SEATS for e in ours_events + raw_events)
    report.check("contention events full (more people came than seats)", f"{full}/{2 * k}", None, full == 2 * k,
                 kind="note")


# ---------------------------------------------------------------------------------------------

def run(args) -> Report:
    report = Report()
    with bench_database() as settings:
        with connect_admin(settings) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        note = MACHINE_NOTE.format(cores=os.cpu_count(), pg=pg)
        print(f"events benchmark: {args.events:,} events, {args.registrations:,} registrations; gunicorn "
              f"{args.workers} workers × {args.threads} threads.\nNOTE: {note}.", flush=True)
        began = time.perf_counter()
        migrate(settings, events_service.NAME, events_service.SERVICE.migrations)
        migrated = time.perf_counter() - began
        print("loading…", flush=True)
        community, t = load(settings, args.events, args.registrations)
        total = migrated + t["generate"] + t["copy"] + t["vacuum"]
        rows = t["registrations"] + t["events"] + t["orgs"] + t["people"] + t["memberships"]
        print(f"  {t['orgs']:,} organizations, {t['people']:,} people, {t['memberships']:,} memberships, "
              f"{t['events']:,} events, {t['registrations']:,} registrations: migrate {migrated:.1f} s, "
              f"generate {t['generate']:.1f} s, COPY {t['copy']:.1f} s, VACUUM ANALYZE {t['vacuum']:.1f} s "
              f"= {total:.1f} s", flush=True)
        if t["overflow"]:
            print(f"  ({t['overflow']:,} registrations left out: one event drew more than there are people)")
        report.figure("load: migrate + generate + COPY + VACUUM ANALYZE, s", total, None, "s")
        report.figure("load: rows COPY'd per s (all tables, indexes kept)", rows / t["copy"], None, "/s")
        with events_server(settings, args.workers, args.threads) as port:
            print(f"measuring listings: {args.connections} keep-alive connections vs {args.connections} psycopg "
                  f"threads, {args.rounds} rounds × {args.duration:g} s (+{args.warmup:g} s warm-up) each…", flush=True)
            listing(settings, community, port, report, args)
            print("measuring registrations under contention…", flush=True)
            contention(settings, community, port, report, args)
        report.print(f"Birlikte events: the API under gunicorn ({args.workers} workers × {args.threads} threads) vs "
                     f"the same SQL in plain psycopg.\nNOTE: {note}.")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, help="events to load (default 100000; --quick 2000)")
    parser.add_argument("--registrations", type=int, help="registrations to load (default 1000000; --quick 20000)")
    parser.add_argument("--duration", type=float, help="seconds per measurement (default 4; --quick 1)")
    parser.add_argument("--rounds", type=int, help="rounds of each measurement; medians reported (default 5; --quick 1)")
    parser.add_argument("--connections", type=int, default=16, help="listing connections / threads")
    parser.add_argument("--contention-connections", type=int, default=32, help="registering connections / threads")
    parser.add_argument("--contention-events", type=int, default=4, help="events of 30 seats raced for, per side")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (birlikte serve's default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (birlikte serve's default)")
    parser.add_argument("--quick", action="store_true", help="a tiny smoke run")
    parser.add_argument("--json", help="write the figures and checks to this file (a list of rows)")
    args = parser.parse_args(argv)
    defaults = ({"events": 2000, "registrations": 20_000, "duration": 1.0, "rounds": 1} if args.quick else
                {"events": 100_000, "registrations": 1_000_000, "duration": 4.0, "rounds": 5})
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.warmup = 0.3 if args.quick else 0.5

    def stop(signum, _frame):
        raise SystemExit(128 + signum)   # so that the server stops and the database is dropped
    signal.signal(signal.SIGTERM, stop)

    report = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(report.rows, ensure_ascii=False, indent=2))
    if report.failed:
        print("\nFAILED: " + "; ".join(report.failed), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
