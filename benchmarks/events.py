"""The events service at scale, against bare SQL doing the same work, in one run:

1. listing events (GET /events, a community member's visibility, cursor pagination) with 100,000
   events and 1,000,000 registrations loaded: the first page and a page 90% deep, unfiltered and
   filtered by kind, against the same SELECT run with plain psycopg from as many threads;
2. registrations under contention: 32 connections registering distinct people for a few events
   of 30 seats, against the same lock-the-event + insert + count transaction in plain psycopg;
   afterwards no event holds more than its capacity.

    python -m benchmarks.events [--quick] [--events 100000] [--registrations 1000000] [--json out.json]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import random
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool

from benchmarks.support import (
    Load, analyze, bench_settings, free_port, load, ms, percentile, print_table, raw_queries, server)
from shared.auth.principal import Principal
from shared.auth.tokens import TokenIssuer
from shared.http.pagination import encode_cursor
from shared.migrations import migrate
from services import events as events_service
from services.events import access

KINDS = ("organizational_meeting", "civil_space_discussion", "information_session", "thematic_meeting", "study_visit")
ROUNDS = 3
ORGS, PEOPLE, PER_EVENT = 1000, 100_000, 10  # a person registers for ~10 of the 100,000 events


def fill(settings, events: int, registrations: int) -> dict:
    """COPY the local copies, the events and their registrations; returns ids the figures need."""
    rng = random.Random(7)
    orgs = [uuid.uuid4() for _ in range(ORGS)]
    people = [uuid.uuid4() for _ in range(PEOPLE)]
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    per_event = max(1, min(PER_EVENT, registrations // max(events, 1)))
    with psycopg.connect(settings.database_url_for("events"), options="-c search_path=events") as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY organizations (id, name, country, roles, status, version) FROM STDIN") as copy:
                for n, org in enumerate(orgs):
                    copy.write_row((org, f"Örgüt {n}", "TR", "{participant}", "active", 1))
            with cur.copy("COPY people (id, full_name, time_zone, preferred_language, status, version) FROM STDIN") as copy:
                for n, person in enumerate(people):
                    copy.write_row((person, f"Kişi {n}", "Europe/Istanbul", "tr", "active", 1))
            with cur.copy("COPY memberships (id, organization_id, person_id, kind, is_admin, status) FROM STDIN") as copy:
                for n, person in enumerate(people):
                    copy.write_row((uuid.uuid4(), orgs[n % ORGS], person, "member", False, "active"))
            event_ids = [uuid.uuid4() for _ in range(events)]
            columns = ("id, kind, format, title, starts_at, ends_at, time_zone, organizer_ids, visibility, status, "
                       "topics, registered_count, created_by")
            with cur.copy(f"COPY events ({columns}) FROM STDIN") as copy:
                for n, event_id in enumerate(event_ids):
                    begins = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
                    copy.write_row((event_id, KINDS[n % len(KINDS)], ("online", "in_person", "hybrid")[n % 3],
                                    json.dumps({"tr": f"Etkinlik {n}", "en": f"Event {n}"}), begins,
                                    begins + timedelta(hours=2), "Europe/Istanbul",
                                    "{%s}" % orgs[rng.randrange(ORGS)], ("public", "members", "invitation")[n % 3],
                                    "scheduled", "{workers_rights}" if n % 4 == 0 else "{}", per_event, "bench"))
            with cur.copy("COPY registrations (event_id, person_id, organization_id, status, registered_by) FROM STDIN") as copy:
                for n, event_id in enumerate(event_ids):
                    for k in range(per_event):
                        person = (n * 7 + k * 101) % PEOPLE
                        copy.write_row((event_id, people[person], orgs[person % ORGS], "registered", "bench"))
        conn.commit()
    analyze(settings, "events")
    return {"orgs": orgs, "people": people}


def listing(settings, ids: dict, seconds: float) -> list[tuple]:
    member_org = str(ids["orgs"][0])
    principal = Principal(subject=str(ids["people"][0]), roles=frozenset({"member"}), member_of=frozenset({member_org}))
    token = TokenIssuer(settings).issue(principal.subject, roles=("member",), member_of=(member_org,))
    auth = {"Authorization": f"Bearer {token}"}
    condition, params = access.visibility_condition(principal)
    pages = {}
    with psycopg.connect(settings.database_url_for("events"), options="-c search_path=events") as conn:
        for label, extra, extra_params in (("all", "", ()), ("kind", " AND kind = %s", ("information_session",))):
            visible = conn.execute(f"SELECT count(*) FROM events WHERE {condition}{extra}", (*params, *extra_params)).fetchone()[0]
            deep = conn.execute(f"SELECT starts_at, id FROM events WHERE {condition}{extra} ORDER BY starts_at, id "
                                f"OFFSET %s LIMIT 1", (*params, *extra_params, int(visible * 0.9))).fetchone()
            pages[label] = (extra, extra_params, encode_cursor((deep[0].isoformat(), str(deep[1]))), deep, visible)
        plan = "\n".join(r[0] for r in conn.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM events WHERE {condition} AND (starts_at, id) > (%s, %s) "
            "ORDER BY starts_at, id LIMIT 51", (*params, *pages["all"][3])))
    print("  plan of the deep page:\n    " + plan.replace("\n", "\n    "), flush=True)

    port = free_port()
    results: dict[tuple, tuple[Load, Load]] = {}
    raw_pool = ConnectionPool(settings.database_url_for("events"), min_size=16, max_size=16,
                              kwargs={"options": "-c search_path=events"}, open=True)
    with server(["-m", "shared.cli", "serve", "events", "--bind", "127.0.0.1", "--port", str(port),
                 "--workers", "2", "--threads", "8"], settings, port):
        rounds: dict[tuple, list[tuple[Load, Load]]] = {}
        for _ in range(ROUNDS):  # rounds alternate the pages; each figure is the median round
            for label, (extra, extra_params, cursor, deep, visible) in pages.items():
                query = "&kind=information_session" if label == "kind" else ""
                for depth, after in (("first", None), ("deep", cursor)):
                    path = f"/events?limit=50{query}" + (f"&cursor={after}" if after else "")
                    ours = load(port, lambda n, p=path: ("GET", p, auth, b""), connections=16, seconds=seconds,
                                warmup=0.5)
                    keyset = " AND (starts_at, id) > (%s, %s)" if after else ""
                    sql = f"SELECT * FROM events WHERE {condition}{extra}{keyset} ORDER BY starts_at, id LIMIT 51"
                    args = (*params, *extra_params, *(deep if after else ()))
                    raw = raw_queries(raw_pool, sql, args, threads=16, seconds=seconds)
                    rounds.setdefault((label, depth), []).append((ours, raw))
        for key, measured in rounds.items():
            ours = sorted((m[0] for m in measured), key=lambda r: r.rate)[len(measured) // 2]
            raw = sorted((m[1] for m in measured), key=lambda r: r.rate)[len(measured) // 2]
            results[key] = (ours, raw)
    raw_pool.close()
    rows = []
    for label in pages:
        for depth in ("first", "deep"):
            ours, raw = results[(label, depth)]
            rows.append((f"list {label}, {depth} page: req/s · p99", f"{ours.rate:,.0f} · {ms(ours.percentile(99))}",
                         f"{raw.rate:,.0f} · {ms(raw.percentile(99))}", f"{ours.rate / raw.rate:.2f}", "", ""))
        first, deep = results[(label, "first")][0], results[(label, "deep")][0]
        raw_first, raw_deep = results[(label, "first")][1], results[(label, "deep")][1]
        flat = deep.rate / first.rate
        rows.append((f"list {label}: deep / first page rate", f"{flat:.2f}", f"{raw_deep.rate / raw_first.rate:.2f}",
                     "", "≈ 1 (flat)", "yes" if flat > 0.8 else "NO"))
    return rows


def contention(settings, ids: dict, people_per_event: int = 150, events: int = 4) -> list[tuple]:
    org = ids["orgs"][0]
    members = [p for n, p in enumerate(ids["people"]) if n % ORGS == 0] or ids["people"][:1]
    with psycopg.connect(settings.database_url_for("events"), options="-c search_path=events", autocommit=True) as conn:
        # enough members of one organization to race: add memberships for the first people
        extra = ids["people"][: people_per_event * 2]
        with conn.cursor().copy("COPY memberships (id, organization_id, person_id, kind, is_admin, status) FROM STDIN") as copy:
            for person in extra:
                if person not in members:
                    copy.write_row((uuid.uuid4(), org, person, "member", False, "active"))
        members = extra

        def make_events(tag):
            made = []
            for n in range(events):
                begins = datetime.now(timezone.utc) + timedelta(days=30 + n)
                made.append(conn.execute(
                    "INSERT INTO events (kind, format, title, starts_at, ends_at, time_zone, organizer_ids, visibility, "
                    "status, capacity, online_url, created_by) VALUES ('information_session', 'online', %s, %s, %s, "
                    "'Europe/Istanbul', %s, 'members', 'scheduled', 30, 'https://x.example', 'bench') RETURNING id",
                    (json.dumps({"en": f"{tag} {n}"}), begins, begins + timedelta(hours=1), [org])).fetchone()[0])
            return made
        ours_events, raw_events = make_events("api"), make_events("raw")

    issuer = TokenIssuer(settings)
    tokens = [f"Bearer {issuer.issue(str(p), roles=('member',), member_of=(str(org),))}" for p in members]
    body = json.dumps({"organization_id": str(org)}).encode()
    plan = [(e, tokens[k]) for k in range(min(people_per_event, len(tokens))) for e in ours_events]
    port = free_port()
    with server(["-m", "shared.cli", "serve", "events", "--bind", "127.0.0.1", "--port", str(port),
                 "--workers", "2", "--threads", "8"], settings, port):
        ours = _register_all(port, plan, body)
    raw = _raw_register(settings, [(e, members[k], org) for k in range(min(people_per_event, len(members)))
                                   for e in raw_events])
    with psycopg.connect(settings.database_url_for("events"), options="-c search_path=events") as conn:
        over = conn.execute("SELECT count(*) FROM events e WHERE capacity IS NOT NULL AND (SELECT count(*) FROM "
                            "registrations r WHERE r.event_id = e.id AND r.status = 'registered') > capacity").fetchone()[0]
        gaps = conn.execute("SELECT count(*) FROM (SELECT event_id, count(*) AS n, "
                            "count(*) FILTER (WHERE status = 'registered') AS seated FROM registrations "
                            "WHERE event_id = ANY(%s) GROUP BY event_id) s WHERE seated <> 30",
                            (ours_events,)).fetchone()[0]
    return [("registrations/s under contention · p99", f"{ours.rate:,.0f} · {ms(ours.percentile(99))}",
             f"{raw.rate:,.0f} · {ms(raw.percentile(99))}", f"{ours.rate / raw.rate:.2f}", "", ""),
            ("events over capacity / not exactly full", f"{over} / {gaps}", "", "", "0 / 0",
             "yes" if over == 0 and gaps == 0 else "NO"),
            ("registration failures", ours.failures, "", "", "0", "yes" if ours.failures == 0 else "NO")]


def _register_all(port, plan, body) -> Load:
    import asyncio

    async def run():
        queue = list(plan)
        result = Load()
        started = time.perf_counter()

        async def worker():
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            from benchmarks.support import _read_response
            while queue:
                event_id, token = queue.pop()
                head = (f"POST /events/{event_id}/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        f"Authorization: {token}\r\nContent-Length: {len(body)}\r\n\r\n")
                began = time.perf_counter()
                writer.write(head.encode() + body)
                status, _ = await _read_response(reader)
                result.latencies.append(time.perf_counter() - began)
                result.requests += 1
                result.failures += status != 201
            writer.close()

        await asyncio.gather(*(worker() for _ in range(32)))
        result.seconds = time.perf_counter() - started
        return result
    return asyncio.run(run())


def _raw_register(settings, plan) -> Load:
    pool = ConnectionPool(settings.database_url_for("events"), min_size=16, max_size=32,
                          kwargs={"options": "-c search_path=events"}, open=True)
    queue = list(plan)
    latencies = []

    def worker():
        while True:
            try:
                event_id, person, org = queue.pop()
            except IndexError:
                return
            began = time.perf_counter()
            with pool.connection() as conn, conn.transaction():
                capacity, seated = conn.execute("SELECT capacity, registered_count FROM events WHERE id = %s FOR UPDATE",
                                                (event_id,)).fetchone()
                status = "registered" if seated < capacity else "waitlisted"
                conn.execute("INSERT INTO registrations (event_id, person_id, organization_id, status, registered_by) "
                             "VALUES (%s, %s, %s, %s, 'raw')", (event_id, person, org, status))
                column = "registered_count" if status == "registered" else "waitlist_count"
                conn.execute(f"UPDATE events SET {column} = {column} + 1 WHERE id = %s", (event_id,))  # noqa: S608
            latencies.append(time.perf_counter() - began)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(32) as executor:
        for _ in range(32):
            executor.submit(worker)
    seconds = time.perf_counter() - started
    pool.close()
    return Load(requests=len(latencies), seconds=seconds, latencies=latencies)


def run(quick: bool, events: int, registrations: int, seconds: float) -> list[tuple]:
    if quick:
        events, registrations, seconds = 2000, 20000, 1.0
    with bench_settings("events") as settings:
        migrate(settings, "events", events_service.MIGRATIONS)
        print(f"loading {events:,} events and {registrations:,} registrations…", flush=True)
        began = time.perf_counter()
        ids = fill(settings, events, registrations)
        rows = [("load (COPY) time", f"{time.perf_counter() - began:.1f} s", "", "", "", "")]
        print("measuring listings…", flush=True)
        rows += listing(settings, ids, seconds)
        print("measuring registrations under contention…", flush=True)
        rows += contention(settings, ids, people_per_event=40 if quick else 150)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement; three rounds")
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = run(args.quick, args.events, args.registrations, args.seconds)
    print_table("Birlikte events — API (gunicorn 2 × 8) against the same SQL in plain psycopg (16 threads); "
                "one 2-core machine for client, servers and PostgreSQL", rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
