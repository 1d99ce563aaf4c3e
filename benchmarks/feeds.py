"""Partner sync under load: the events service's change feed and its iCalendar feed, against the
same SQL in plain psycopg, measured in one run on this machine.

    python -m benchmarks.feeds [--quick] [--changes 100000] [--events 2000] [--seconds 4]
                               [--rounds 3] [--connections 16] [--json PATH]

1. Change feed, GET /feed?cursor=…&limit=500 (services/events/api/partners.py), over N changes
   written 100 per transaction (as many txids), with payloads built the way
   services/events/messages.py builds them. Two callers: a partner client (events:read, one
   organization: public, members and its own invitation changes) and a coordinator (everything).
   Under --connections keep-alive connections: requests/s, changes/s, p50 and p99 of the first
   page and of a page ~95% deep; then a full walk from cursor zero by one client. Raw: the feed's
   SQL with the same parameters and json.dumps of the rows, from as many psycopg connections
   (threads of one process), and one connection for the walk. The deep page's plan is shown.
2. iCalendar, GET /calendars/public.ics over M public live events (services/events/api/
   calendars.py), under load: a poll carrying its ETag in If-None-Match (304), and a GET without
   it (200, the body rendered once per ETag and then served from the per-process cache). Raw:
   the aggregate query behind the ETag, the SELECT of the rows. Then, one client: a render after
   a change (the ETag moved, so the cache misses) against a 304 poll, and against the SELECT.

The service runs as `birlikte serve events` does (shared.cli.serving) against a database and
roles of this run's own (benchmarks.backbone.isolated), removed at the end, also on a failure.
Rounds alternate A-B / B-A; rates are the median round's, their ratio the median of the rounds'
own ratios. Nothing asserts a timing (shared, noisy machines); the exit status is 1 only when a
correctness check fails or something could not run.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from benchmarks import loadgen
from benchmarks.backbone import Row, isolated, process, table
from benchmarks.events import connect_admin, connect_service, explain, thread_load
from benchmarks.support import free_port, percentile, report_lines, suite_main
from services import events as events_service
from services.events.queries import PUBLIC_CALENDAR
from shared import contracts
from shared.auth.tokens import TokenIssuer
from shared.config import load_settings
from shared.paging import encode_cursor
from shared.migrations import migrate

PAGE = 500               # the partners' page size
PER_TRANSACTION = 100    # changes written per transaction: the feed orders by (txid, seq)
ORGANIZATIONS = 200
DEEP = 0.95              # where the deep cursor sits, as a share of the changes the caller sees
COLD_RENDERS = 5         # renders after a change, one client (each costs ~0.5 s on two cores)
CITIES = ("İstanbul", "Ankara", "İzmir", "Diyarbakır", "Trabzon", "Berlin", "Brüksel")
ZONES = ("Europe/Istanbul", "Europe/Berlin", "Europe/Brussels")
KINDS = ("organizational_meeting", "civil_space_discussion", "information_session", "thematic_meeting",
         "study_visit")
TAGS = ("workers_rights", "gender_equality", "climate", "refugees", "youth", "media_freedom", "local_democracy")

# The feed's query, as services/events/queries.py (changes) sends it for Feed.get. The page check below
# compares the API's pages with this SQL's, so a drift between the two shows as a failed check.
FEED_SQL = """SELECT txid::text AS txid, seq, event_id, type, payload, created_at FROM changes
                WHERE (txid, seq) > (%(txid)s::xid8, %(seq)s)
                  AND txid < (SELECT feed_horizon())
                  AND {scope}
                ORDER BY changes.txid, seq LIMIT %(limit)s"""
PARTNER_SCOPE = "(visibility IN ('public') OR organization_ids && %(mine)s::uuid[])"  # public and its own
# The public calendar's queries (calendars._feed for PublicCalendar).
CALENDAR_SUMMARY = (f"SELECT count(*) AS n, max(updated_at) AS latest, sum(version) AS versions FROM events "
                    f"WHERE {PUBLIC_CALENDAR}")
CALENDAR_ROWS = f"SELECT * FROM events WHERE {PUBLIC_CALENDAR} ORDER BY starts_at, id"


def _say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------- seeding
def _event(rng: random.Random, n: int, orgs: list[str], now: datetime, public_live: bool) -> dict:
    """An event row: public and live (on the public calendar), or anything else the program holds."""
    visibility = "public" if public_live else rng.choices(("public", "members", "invitation"), (45, 40, 15))[0]
    if public_live:
        starts = now + timedelta(days=rng.uniform(-30, 365))
    elif visibility == "public":  # long past: off the public calendar, which holds the live ones only
        starts = now - timedelta(days=rng.uniform(200, 730))
    else:
        starts = now + timedelta(days=rng.uniform(-730, 365))
    starts = starts.replace(minute=rng.choice((0, 30)), second=0, microsecond=0)
    ends = starts + timedelta(hours=rng.randint(1, 4))
    status = "completed" if ends < now else "scheduled"
    fmt = rng.choice(("in_person", "online", "hybrid"))
    city = rng.choice(CITIES)
    # 1–3 organizations concerned: the first organizes, an invitation's last is the invited one.
    concerned = rng.sample(orgs, rng.randint(1, 3))
    invited = concerned[-1:] if visibility == "invitation" and len(concerned) > 1 else []
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "kind": rng.choice(KINDS), "format": fmt,
        "visibility": visibility, "status": status,
        "title": {"tr": f"{city} buluşması {n}", "en": f"{city} meeting {n}"},
        "description": {"tr": f"Sivil toplum örgütlerinin {city} buluşması; açık tartışma. Program {n}."},
        "languages": ["tr", "en"], "starts_at": starts, "ends_at": ends, "time_zone": rng.choice(ZONES),
        "venue": {"name": f"{city} Kültür Merkezi", "city": city} if fmt != "online" else None,
        "online_url": f"https://meet.example.org/birlikte-{n}" if fmt != "in_person" else None,
        "organizer_ids": concerned[:1], "host_id": None,
        "partner_ids": concerned[1:len(concerned) - len(invited)], "invited_ids": invited,
        "series_id": None, "topics": rng.sample(TAGS, rng.randint(0, 2)),
        "capacity": rng.choice((None, 30, 50, 100)), "sequence": 0, "version": 1, "created_by": "bench",
        "cancelled_at": None, "cancel_reason": None, "completed_at": ends if status == "completed" else None,
        "external_source": None, "external_id": None,
    }


def _change(rng: random.Random, event: dict, first: bool, now: datetime) -> tuple:
    """The next change of an event, applied to it: (event_id, type, organization_ids, visibility, payload)."""
    extra = {}
    if first:
        action = "scheduled"
    else:
        event["version"] += 1
        action = rng.choices(("updated", "rescheduled", "cancelled"), (70, 25, 5))[0]
        if event["status"] in ("cancelled", "completed"):
            action = "updated"  # a closed event's later changes are corrections, not moves
        if action == "rescheduled":
            extra = {"previous_starts_at": event["starts_at"], "previous_ends_at": event["ends_at"]}
            shift = timedelta(days=rng.randint(1, 14))  # forward: a live event stays live
            event.update(starts_at=event["starts_at"] + shift, ends_at=event["ends_at"] + shift,
                         sequence=event["sequence"] + 1, status="rescheduled")
        elif action == "cancelled":
            extra = {"reason": "Katılım yetersiz"}
            event.update(status="cancelled", cancelled_at=now, cancel_reason=extra["reason"])
        else:
            event["capacity"] = rng.choice((None, 30, 50, 100, 200))
    # As services/events/messages.py: the event's fields its contract names, JSON-ready.
    payload = contracts.dump(f"events.event.{action}", {**event, **extra})
    concerned = [*event["organizer_ids"], *event["partner_ids"], *event["invited_ids"]]
    return event["id"], f"events.event.{action}", concerned, event["visibility"], json.dumps(payload)


EVENT_COLUMNS = ("id", "kind", "format", "visibility", "status", "title", "description", "languages", "starts_at",
                 "ends_at", "time_zone", "venue", "online_url", "organizer_ids", "host_id", "partner_ids",
                 "invited_ids", "topics", "capacity", "sequence", "version", "created_by", "cancelled_at",
                 "cancel_reason", "completed_at")


def seed(settings, n_changes: int, n_public: int, seed_value: int = 7) -> list[str]:
    """The events (n_public of them public and live) and n_changes changes of them, 100 per
    transaction; returns the organizations."""
    rng = random.Random(seed_value)
    now = datetime.now(timezone.utc)
    orgs = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(ORGANIZATIONS)]
    # About five changes per event; the public live ones are the calendar's.
    others = max(n_public, n_changes // 5 - n_public)
    events = [_event(rng, n, orgs, now, n < n_public) for n in range(n_public + others)]
    began = time.perf_counter()
    started: set[int] = set()
    # Autocommit, so that each transaction() block is a transaction of its own (with one already
    # open, psycopg would make it a savepoint, and every change would share one txid).
    with connect_admin(settings, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        for first in range(0, n_changes, PER_TRANSACTION):
            batch = []
            for _ in range(min(PER_TRANSACTION, n_changes - first)):
                n = rng.randrange(len(events))
                batch.append(_change(rng, events[n], n not in started, now))
                started.add(n)
            with conn.transaction(), conn.cursor().copy(
                    "COPY changes (event_id, type, organization_ids, visibility, payload) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        with conn.transaction(), conn.cursor().copy(f"COPY events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            for event in events:
                copy.write_row([Jsonb(event[c]) if c in ("title", "description", "venue") and event[c] is not None
                                else event[c] for c in EVENT_COLUMNS])
        conn.execute("VACUUM (ANALYZE) changes, events")  # as the owner, as autovacuum would
    _say(f"  {n_changes:,} changes in {-(-n_changes // PER_TRANSACTION):,} transactions, {len(events):,} events "
         f"({n_public:,} public and live), {ORGANIZATIONS} organizations: {time.perf_counter() - began:.1f} s")
    return orgs


def _wait_for_horizon(settings) -> None:
    """The feed serves only changes below the oldest transaction of its database still running
    (feed_horizon): one open there would hide the seeded ones. Wait for it to end."""
    deadline = time.monotonic() + 120
    with connect_admin(settings, autocommit=True) as conn:
        while not conn.execute("SELECT max(txid) < feed_horizon() FROM changes"
                               ).fetchone()[0]:
            if time.monotonic() > deadline:
                raise RuntimeError("a transaction on this server kept the feed's horizon below the seeded changes")
            time.sleep(0.5)


# ---------------------------------------------------------------- the callers
class Caller:
    """Who pulls the feed: their token, and the feed's SQL scope and parameters for them."""

    def __init__(self, label: str, token: str, scope: str, mine: list[str]):
        self.label, self.scope, self.mine = label, scope, mine
        self.visible = 0  # changes this caller sees, counted once seeded
        self.headers = {"Authorization": f"Bearer {token}"}
        self.sql = FEED_SQL.format(scope=scope)

    def params(self, position: tuple) -> dict:
        """The parameters Feed.get binds, from a decoded cursor position."""
        return {"txid": str(position[0]), "seq": int(position[1]), "limit": PAGE + 1, "mine": self.mine}


def callers(settings, orgs: list[str]) -> list[Caller]:
    issuer = TokenIssuer(settings)
    partner = issuer.issue("client:bench-feed", roles=("partner_client",), scopes=("events:read",),
                           organization=orgs[0])
    coordinator = issuer.issue("bench-coordinator", roles=("coordinator",))
    return [Caller("partner", partner, PARTNER_SCOPE, [orgs[0]]), Caller("coordinator", coordinator, "TRUE", [])]


def _visible(conn, caller: Caller) -> int:
    return conn.execute(f"SELECT count(*) AS n FROM changes WHERE {caller.scope}", {"mine": caller.mine}
                        ).fetchone()["n"]


def _deep_position(conn, caller: Caller) -> tuple:
    """The (txid, seq) of the change ~95% into what the caller sees, as the cursor carries it."""
    # changes.txid: the column (xid8), in its own order; a bare `txid` would name the text output.
    row = conn.execute(f"SELECT txid::text AS txid, seq FROM changes WHERE {caller.scope} "
                       "ORDER BY changes.txid, seq OFFSET %(skip)s LIMIT 1",
                       {"mine": caller.mine, "skip": max(0, int(caller.visible * DEEP) - 1)}).fetchone()
    return row["txid"], row["seq"]


# ---------------------------------------------------------------- one measurement of each kind
def _get(port: int, path: str, headers: dict) -> tuple[int, dict, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        client.request("GET", path, headers=headers)
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        client.close()


def _ours(port: int, path: str, headers: dict, opts) -> dict:
    """The API under the load generator (a process of its own)."""
    outcome = loadgen.run({"method": "GET", "paths": [path], "headers": headers, "port": port,
                           "connections": opts.connections, "seconds": opts.seconds,
                           "warmup": opts.warmup})
    return {"rate": outcome.rate, "ms": outcome.latencies_ms, "failures": outcome.failures,
            "statuses": outcome.statuses}


def _raw(conns: list, unit, opts) -> dict:
    """The same SQL from as many plain psycopg connections, one thread each."""
    sample = thread_load(conns, unit, seconds=opts.seconds, warmup=opts.warmup)
    return {"rate": sample.rate, "ms": [s * 1000 for s in sample.latencies], "failures": sample.failures}


def _feed_unit(caller: Caller, position: tuple):
    def unit(conn):
        rows = conn.execute(caller.sql, caller.params(position)).fetchall()
        json.dumps(rows[:PAGE], default=str)
    return unit


def walk_api(port: int, caller: Caller) -> tuple[float, list[tuple]]:
    """One client pulling everything from cursor zero; (seconds, (event_id, version) of each change)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    keys, cursor = [], None
    began = time.perf_counter()
    try:
        while True:
            client.request("GET", f"/feed?limit={PAGE}" + (f"&cursor={cursor}" if cursor else ""),
                           headers=caller.headers)
            response = client.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET /feed answered {response.status}: {body[:300]!r}")
            page = json.loads(body)
            keys += [(item["event_id"], item["data"]["version"]) for item in page["items"]]
            cursor = page["cursor"]
            if not page["more"]:
                return time.perf_counter() - began, keys
    finally:
        client.close()


def walk_raw(conn, caller: Caller) -> tuple[float, list[tuple]]:
    """The same walk as the feed's SQL on one connection, each page json.dumps'd as the API would."""
    keys, position = [], ("0", 0)
    began = time.perf_counter()
    while True:
        rows = conn.execute(caller.sql, caller.params(position)).fetchall()
        items = rows[:PAGE]
        json.dumps(items, default=str)
        keys += [(str(r["event_id"]), r["payload"]["version"]) for r in items]
        if len(rows) <= PAGE:
            return time.perf_counter() - began, keys
        position = (items[-1]["txid"], items[-1]["seq"])


def _in_order(keys: list[tuple], order: dict) -> bool:
    """Strictly increasing (txid, seq), hence no change twice."""
    positions = [order[key] for key in keys]
    return all(a < b for a, b in zip(positions, positions[1:]))


# ---------------------------------------------------------------- rows
def _rate_rows(name: str, unit: str, ours: list[dict], raw: list[dict]) -> list[Row]:
    """The rate, then p50 and p99 over all rounds' requests."""
    return [_rate_row(name, unit, ours, raw)] + [
        Row(f"{name}: p{p} latency (all rounds)", "ms", percentile([x for o in ours for x in o["ms"]], p),
            percentile([x for r in raw for x in r["ms"]], p)) for p in (50, 99)]


def _rate_row(name: str, unit: str, ours: list[dict], raw: list[dict], per_request: int = 1) -> Row:
    """The median round's rate (× items per request) of each side, and the median of the rounds' own ratios."""
    paired = statistics.median(a["rate"] / b["rate"] if b["rate"] else 0.0 for a, b in zip(ours, raw))
    return Row(f"{name}: {unit}", unit, statistics.median(o["rate"] for o in ours) * per_request,
               statistics.median(r["rate"] for r in raw) * per_request, paired=paired,
               rounds=[[a["rate"] * per_request, b["rate"] * per_request] for a, b in zip(ours, raw)])


def _sides(n: int) -> tuple:
    """A-B in even rounds, B-A in odd ones: whatever drifts weighs on both sides alike."""
    return ("ours", "raw") if n % 2 == 0 else ("raw", "ours")


# ---------------------------------------------------------------- 1. the change feed
def _prepare_feed(settings, port: int, people: list[Caller]) -> tuple[list, dict, list[Row]]:
    """The cases measured (caller, depth, position, query string), the (txid, seq) of every change
    by its (event_id, version), the deep pages' plans and the check that the API's pages are the SQL's."""
    cases, rows = [], []
    # Plans through a connection with plain tuple rows, as benchmarks.events.explain reads them.
    with connect_service(settings, autocommit=True, row_factory=dict_row) as conn, \
            connect_service(settings, autocommit=True) as plain:
        order = {(str(r["event_id"]), r["version"]): (int(r["txid"]), r["seq"]) for r in conn.execute(
            "SELECT txid::text AS txid, seq, event_id, (payload->>'version')::int AS version FROM changes")}
        if len(order) != conn.execute("SELECT count(*) AS n FROM changes").fetchone()["n"]:
            raise RuntimeError("seeded changes are not unique by (event_id, version)")
        rows.append(_transactions_check(conn, len(order)))
        for caller in people:
            caller.visible = _visible(conn, caller)
            deep = _deep_position(conn, caller)
            _say(f"  {caller.label}: {caller.visible:,} changes visible; deep cursor at {deep} "
                 f"({caller.visible - int(caller.visible * DEEP):,} changes after it)")
            cases += [(caller, "first page", ("0", 0), ""),
                      (caller, "deep page", deep, f"&cursor={encode_cursor(deep)}")]
            rows.append(_plan_row(plain, caller, deep))
        rows.append(_page_check(conn, port, cases))
    return cases, order, rows


def measure_feed(settings, port: int, people: list[Caller], opts) -> list[Row]:
    cases, order, rows = _prepare_feed(settings, port, people)
    measured: dict[tuple, list[dict]] = {}
    raw_conns = [connect_service(settings, autocommit=True, row_factory=dict_row) for _ in range(opts.connections)]
    walker = connect_service(settings, autocommit=True, row_factory=dict_row)
    walks = {caller.label: {"ours": [], "raw": []} for caller in people}
    try:
        for n in range(opts.rounds):
            for caller, depth, position, query in cases:
                for side in _sides(n):
                    result = (_ours(port, f"/feed?limit={PAGE}{query}", caller.headers, opts) if side == "ours"
                              else _raw(raw_conns, _feed_unit(caller, position), opts))
                    measured.setdefault((caller.label, depth, side), []).append(result)
                _say(f"  round {n + 1}: feed as {caller.label:11} {depth}: ours "
                     f"{measured[(caller.label, depth, 'ours')][-1]['rate']:7,.0f} req/s, raw "
                     f"{measured[(caller.label, depth, 'raw')][-1]['rate']:7,.0f} req/s")
            for caller in people:
                for side in _sides(n):
                    walks[caller.label][side].append(walk_api(port, caller) if side == "ours"
                                                     else walk_raw(walker, caller))
                ours_walk, raw_walk = walks[caller.label]["ours"][-1], walks[caller.label]["raw"][-1]
                _say(f"  round {n + 1}: walk as {caller.label:11}: ours {len(ours_walk[1]) / ours_walk[0]:7,.0f} "
                     f"changes/s, raw {len(raw_walk[1]) / raw_walk[0]:7,.0f} changes/s")
    finally:
        for conn in [*raw_conns, walker]:
            conn.close()

    for caller, depth, position, _ in cases:
        ours, raw = measured[(caller.label, depth, "ours")], measured[(caller.label, depth, "raw")]
        items = min(PAGE, caller.visible - (0 if depth == "first page" else int(caller.visible * DEEP)))
        name = f"GET /feed as {caller.label}, {depth}"
        requests, *latencies = _rate_rows(name, "req/s", ours, raw)
        rows += [requests, _rate_row(f"{name} ({items} changes a page)", "changes/s", ours, raw, items), *latencies]
    for caller in people:
        rows += _walk_rows(caller, walks[caller.label], order)
    failures = {side: _failures(measured, side) for side in ("ours", "raw")}
    rows.append(Row("GET /feed under load: failed responses (ours / raw)", "count", failures["ours"],
                    failures["raw"], "0", failures["ours"] == failures["raw"] == 0))
    return rows


def _failures(measured: dict[tuple, list[dict]], side: str) -> int:
    """Failed responses over every load of one side (the side is the last part of the key)."""
    return sum(r["failures"] for key, results in measured.items() if key[-1] == side for r in results)


def _walk_rows(caller: Caller, walks: dict, order: dict) -> list[Row]:
    rates = {side: [{"rate": len(keys) / seconds} for seconds, keys in walks[side]] for side in ("ours", "raw")}
    row = _rate_row(f"feed walk as {caller.label}: all {caller.visible:,} from zero, pages of {PAGE}, 1 client",
                    "changes/s", rates["ours"], rates["raw"])
    right = {side: all(len(keys) == caller.visible and _in_order(keys, order) for _, keys in walks[side])
             for side in ("ours", "raw")}
    returned = {side: min(len(keys) for _, keys in walks[side]) for side in ("ours", "raw")}
    check = Row(f"feed walk as {caller.label}: changes returned (fewest of any walk), in (txid, seq) order, once each",
                "count", returned["ours"], returned["raw"], f"{caller.visible:,}", right["ours"] and right["raw"])
    return [row, check]


def _transactions_check(conn, changes: int) -> Row:
    """The changes lie in as many transactions (txids) as they were written in."""
    written = -(-changes // PER_TRANSACTION)
    found = conn.execute("SELECT count(DISTINCT txid) AS n FROM changes").fetchone()["n"]
    return Row(f"seeded changes: distinct transactions (txids), {PER_TRANSACTION} changes each", "count", found, None,
               f"{written:,}", found == written)


def _page_check(conn, port: int, cases: list) -> Row:
    """Before measuring: the API's pages are the SQL's pages (same changes, same order)."""
    same = 0
    for caller, _, position, query in cases:
        status, _, body = _get(port, f"/feed?limit={PAGE}{query}", caller.headers)
        api = [(i["event_id"], i["data"]["version"]) for i in json.loads(body)["items"]] if status == 200 else None
        rows = conn.execute(caller.sql, caller.params(position)).fetchall()[:PAGE]
        same += bool(rows) and api == [(str(r["event_id"]), r["payload"]["version"]) for r in rows]
    return Row("GET /feed pages = the SQL's pages (first and deep, both callers)", "count", same, None,
               f"all {len(cases)}", same == len(cases))


def _plan_row(conn, caller: Caller, deep: tuple) -> Row:
    """EXPLAIN (ANALYZE, BUFFERS) of the deep page beside the first: depth should cost nothing."""
    first = explain(conn, caller.sql, caller.params(("0", 0)))
    deep_plan = explain(conn, caller.sql, caller.params(deep))
    _say(f"  {caller.label}, deep page plan: {deep_plan.verdict}; {deep_plan.milliseconds:.2f} ms, "
         f"{deep_plan.buffers} buffers (first page: {first.verdict}; {first.milliseconds:.2f} ms, "
         f"{first.buffers} buffers)\n    " + deep_plan.text.replace("\n", "\n    "))
    return Row(f"feed plan as {caller.label}: shared buffers, deep page (raw column: first page)", "buffers",
               deep_plan.buffers, first.buffers,
               note=f"deep page {deep_plan.milliseconds:.2f} ms: {deep_plan.verdict} | "
                    f"first page {first.milliseconds:.2f} ms: {first.verdict}")


# ---------------------------------------------------------------- 2. iCalendar polling
def measure_calendar(settings, port: int, opts) -> list[Row]:
    path = "/calendars/public.ics"
    status, headers, body = _get(port, path, {})
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    poll = {"If-None-Match": headers["ETag"]}
    listed = body.count(b"BEGIN:VEVENT")
    _say(f"  {path}: {listed:,} events, {len(body):,} bytes, ETag {headers['ETag']}")

    def summary(conn):
        conn.execute(CALENDAR_SUMMARY).fetchone()

    def rows(conn):
        conn.execute(CALENDAR_ROWS).fetchall()

    full, polled = "GET without If-None-Match (200, cached)", "If-None-Match poll (304)"
    cases = {full: ({}, rows), polled: (poll, summary)}
    measured: dict[tuple, list[dict]] = {}
    raw_conns = [connect_service(settings, autocommit=True, row_factory=dict_row) for _ in range(opts.connections)]
    try:
        for n in range(opts.rounds):
            for case, (case_headers, unit) in cases.items():
                for side in _sides(n):
                    result = (_ours(port, path, case_headers, opts) if side == "ours"
                              else _raw(raw_conns, unit, opts))
                    measured.setdefault((case, side), []).append(result)
                _say(f"  round {n + 1}: {case:40} ours {measured[(case, 'ours')][-1]['rate']:7,.1f} req/s, "
                     f"raw {measured[(case, 'raw')][-1]['rate']:7,.1f} req/s")
    finally:
        for conn in raw_conns:
            conn.close()

    out = []
    for case in cases:
        name = f"GET {path} ({listed:,} events), {case}"
        out += _rate_rows(name, "req/s", measured[(case, "ours")], measured[(case, "raw")])[:2]
    answered = {case: sum(sum(r["statuses"].values()) for r in measured[(case, "ours")]) for case in cases}
    right = {case: sum(r["statuses"].get(code, 0) for r in measured[(case, "ours")])
             for case, code in ((full, "200"), (polled, "304"))}
    out.append(Row("iCalendar poll answered 304 every time (304s / responses)", "count", right[polled],
                   answered[polled], "all", right[polled] == answered[polled] > 0))
    failures = {side: _failures(measured, side) for side in ("ours", "raw")}
    out.append(Row("iCalendar under load: failed responses (ours / raw), every GET a 200", "count", failures["ours"],
                   failures["raw"], "0", failures["ours"] == failures["raw"] == 0 and right[full] == answered[full]))
    return out + _cold_renders(settings, port, path, listed, poll)


def _cold_renders(settings, port: int, path: str, listed: int, poll: dict) -> list[Row]:
    """One client: a render after a change (an event touched, so the ETag and the cache key move)
    against a poll that gets its 304, and against plain psycopg reading the same rows."""
    renders, polls, selects, summaries = [], [], [], []
    with connect_admin(settings, autocommit=True) as admin, \
            connect_service(settings, autocommit=True, row_factory=dict_row) as conn:
        touched = admin.execute(f"SELECT id FROM events WHERE {PUBLIC_CALENDAR} LIMIT 1").fetchone()[0]
        for _ in range(COLD_RENDERS):
            admin.execute("UPDATE events SET version = version + 1, updated_at = now() WHERE id = %s", (touched,))
            began = time.perf_counter()
            status, headers, _ = _get(port, path, {})
            renders.append((time.perf_counter() - began) * 1000)
            if status != 200:
                raise RuntimeError(f"GET {path} after a change answered {status}")
            for _ in range(5):
                began = time.perf_counter()
                status, _, _ = _get(port, path, {"If-None-Match": headers["ETag"]})
                polls.append((time.perf_counter() - began) * 1000)
                if status != 304:
                    raise RuntimeError(f"GET {path} with its new ETag answered {status}")
            for query, times in ((CALENDAR_ROWS, selects), (CALENDAR_SUMMARY, summaries)):
                began = time.perf_counter()
                conn.execute(query).fetchall()
                times.append((time.perf_counter() - began) * 1000)
    render, polled, select = statistics.median(renders), statistics.median(polls), statistics.median(selects)
    return [
        Row(f"GET {path} ({listed:,} events), render after a change, 1 client: median of {COLD_RENDERS}", "ms",
            render, select, note="raw: the SELECT of the rows (no rendering)"),
        Row("iCalendar, 1 client: a render after a change costs N polls (render ms ÷ 304 ms)", "×",
            render / polled, select / statistics.median(summaries),
            note=f"304 poll median {polled:.1f} ms; raw: the SELECT of the rows ÷ the aggregate query"),
    ]


# ---------------------------------------------------------------- the run
def run(opts) -> dict:
    environment = {"cpus": os.cpu_count(), "python": platform.python_version(),
                   "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="birlikte-bench-") as logs, isolated(load_settings(), Path(logs)) as bench:
        settings = bench.settings
        migrate(settings, events_service.NAME, events_service.SERVICE.migrations)
        _say("seeding…")
        orgs = seed(settings, opts.changes, opts.events)
        _wait_for_horizon(settings)
        people = callers(settings, orgs)
        port = free_port()
        serve = ["-m", "shared.cli", "serve", "events", "--bind", "127.0.0.1", "--port", str(port),
                 "--workers", str(opts.workers), "--threads", str(opts.threads)]
        with process(bench, "events", serve, port):
            _say("measuring the change feed…")
            rows += measure_feed(settings, port, people, opts)
            _say("measuring iCalendar polling…")
            rows += measure_calendar(settings, port, opts)
    environment["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return {"suite": "feeds", "environment": environment,
            "config": {k: v for k, v in vars(opts).items() if k != "json"},
            "figures": [r.as_json() for r in rows], "rows": rows}


def report(result: dict) -> str:
    env, cfg = result["environment"], result["config"]
    lines = [
        "",
        f"Birlikte partner sync vs the raw stack — events service under gunicorn {cfg['workers']} workers × "
        f"{cfg['threads']} threads; {cfg['connections']} keep-alive connections vs {cfg['connections']} psycopg "
        f"connections (threads of one process); {cfg['rounds']} rounds of {cfg['seconds']:g} s (+{cfg['warmup']:g} s "
        f"warm-up) per load; {cfg['changes']:,} changes, {cfg['events']:,} public live events",
        f"{env['cpus']} CPUs, shared by the load generator, the server and PostgreSQL; load average "
        f"{env['load_average_before'][0]} before, {env['load_average_after'][0]} after.",
        "ratio = ours ÷ raw (for latencies above 1 is slower); rates are the median round's, their ratio the median "
        "of the rounds' own ratios (A-B then B-A). Nothing here is a target: the figures are for reading.",
        "",
        table(result["rows"]),
    ]
    return report_lines(lines, result["rows"])


def options(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.feeds", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a short smoke run: few changes and events, one round")
    p.add_argument("--changes", type=int, help="changes to seed (default 100000; quick 3000)")
    p.add_argument("--events", type=int, help="public live events on the calendar (default 2000; quick 200)")
    p.add_argument("--seconds", type=float, help="measured seconds per load (default 4; quick 0.5)")
    p.add_argument("--rounds", type=int, help="rounds, medians reported (default 3; quick 1)")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections, both sides (default 16)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as `birlikte serve`)")
    p.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, as `birlikte serve`)")
    p.add_argument("--json", help="also write the results to this file")
    opts = p.parse_args(argv)
    defaults = {"changes": (100_000, 3000), "events": (2000, 200), "seconds": (4.0, 0.5), "rounds": (3, 1)}
    for name, (full, small) in defaults.items():
        if getattr(opts, name) is None:
            setattr(opts, name, small if opts.quick else full)
    opts.warmup = 0.2 if opts.quick else 1.0
    return opts


def main(argv=None) -> int:
    return suite_main(options, run, report, argv)


if __name__ == "__main__":
    sys.exit(main())
