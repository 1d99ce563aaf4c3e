"""The backbone and the registry against the raw stack, measured in one run on this machine.

1. HTTP: registry GET /organizations/<id> and POST /organizations (the row and its outbox message
   in one transaction) under 32 keep-alive connections, against a bare Flask + psycopg_pool app
   doing the same SQL (benchmarks/bare_app.py), both under gunicorn with the same settings. The
   load comes from a separate process (benchmarks/loadgen.py); rounds alternate A-B / B-A.
2. Relay: N outbox rows → RabbitMQ with publisher confirms, rows marked only after their confirm
   (shared.bus.relay.Relay.drain), against raw pika publishing the same bodies without confirms;
   and, for context, pika waiting for a confirm after each message.
3. Consumer: shared.bus.consumer.Consumer with its inbox (one worker, a handler doing one INSERT)
   against raw pika consuming + one psycopg INSERT and commit per message, the same messages
   pre-loaded in the same kind of queue.
4. Write → consumer: POST to the registry (gunicorn) → 201 → the registry's worker process relays
   → a Consumer of another service's schema handles registry.organization.created and commits;
   time from the request's start to that commit, writes one at a time.

Each run makes its own database (birlikte_bench_<random>), its own login roles, exchange and
queues, and removes all of them at the end, also when a measurement fails.

    python -m benchmarks.backbone [--quick] [--seconds 5] [--rounds 3] [--messages 20000]
                                  [--writes 300] [--only http,relay,consumer,latency] [--json out.json]
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pika
from cryptography.fernet import Fernet
import psycopg
from marshmallow import Schema, fields
from psycopg import sql

from benchmarks import loadgen
from benchmarks.support import free_port, keypair, percentile
from services import registry
from shared import contracts
from shared.auth.tokens import TokenIssuer
from shared.bus import topology
from shared.bus.consumer import Consumer
from shared.bus.outbox import publish
from shared.bus.relay import Relay
from shared.cli.ops import maintenance_url
from shared.config import Settings, load_settings, settings_environment
from shared.db import open_pool
from shared.migrations import migrate

SINK = "benchsink"  # "another service": a schema and a queue of its own, with a one-INSERT handler
SINK_SQL = "CREATE TABLE effects (message_id text PRIMARY KEY, seen_at timestamptz NOT NULL DEFAULT now());"
FIGURES = ("http", "relay", "consumer", "latency")


# ---------------------------------------------------------------- results
@dataclass
class Row:
    """One line of the table. `ratio` is always ours ÷ raw (for latencies, above 1 means slower)."""
    figure: str
    unit: str                    # req/s, msg/s, ms, count
    ours: float | None = None
    raw: float | None = None
    target: str = ""
    met: bool | None = None      # None: context, no target
    note: str = ""
    paired: float | None = None  # measured in rounds: the median of each round's own ratio
    rounds: list | None = None   # measured in rounds: [ours, raw] of each round, in order

    @property
    def ratio(self) -> float | None:
        if self.paired is not None:
            return self.paired
        if self.unit == "count" or self.ours is None or self.raw in (None, 0):
            return None
        return self.ours / self.raw

    def as_json(self) -> dict:
        return {**asdict(self), "ratio": None if self.ratio is None else round(self.ratio, 4)}


def _value(value, unit: str) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.0f} {unit}"


def _ratio(row: Row) -> str:
    if row.ratio is None:
        return ""
    shown, digits = f"{row.ratio:.2f}", 2
    # Just under its target: more digits, so that it is not printed as if it were on it.
    while row.met is False and row.target.startswith("≥") and float(shown) >= float(row.target[1:]) and digits < 6:
        digits += 1
        shown = f"{row.ratio:.{digits}f}"
    return shown


def table(rows: list[Row]) -> str:
    header = ("figure", "ours (Birlikte)", "raw stack", "ratio", "target", "met?")
    lines = [header]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        lines.append((r.figure, _value(r.ours, r.unit), _value(r.raw, r.unit), _ratio(r), r.target, met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _say(message: str) -> None:
    print(message, flush=True)


# ---------------------------------------------------------------- isolation
@dataclass
class Bench:
    settings: Settings
    database: str
    admin_url: str
    tag: str
    queues: list[str]
    logs: Path


@contextlib.contextmanager
def isolated(base: Settings, logs: Path):
    """A database, login roles, an exchange and queues of this run's own; all removed afterwards."""
    tag = uuid.uuid4().hex[:8]
    database = f"birlikte_bench_{tag}"
    admin = maintenance_url(base.database_url)
    private, public = keypair()
    settings = base.replace(
        database_url=urlsplit(base.database_url)._replace(path="/" + database).geturl(),
        service_database_urls={}, db_role_prefix=f"birlikte_bench_{tag}_",
        bus_exchange=f"birlikte.bench.{tag}", bus_queue_prefix=f"birlikte.bench.{tag}",
        jwt_private_key=private, jwt_public_key=public, jwks_url=None, log_format="json",
        key_encryption_key=Fernet.generate_key().decode(), registry_secret=secrets.token_urlsafe(32))
    bench = Bench(settings, database, admin, tag, [], logs)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    _say(f"database {database}, roles {settings.db_role_prefix}*, exchange {settings.bus_exchange}")
    try:
        yield bench
    finally:
        _remove(bench)


def _remove(bench: Bench) -> None:
    settings, problems = bench.settings, []
    try:
        with pika.BlockingConnection(_pika_parameters(settings)) as conn:
            channel = conn.channel()
            names = [*bench.queues, topology.queue_name(settings, SINK), topology.dead_queue_name(settings, SINK)]
            names += [topology.retry_queue_name(settings, SINK, n) for n in range(1, len(settings.bus_retry_delays) + 1)]
            for name in dict.fromkeys(names):
                channel.queue_delete(name)
            channel.exchange_delete(settings.bus_exchange)
    except Exception as exc:  # keep going: the database and roles must go too
        problems.append(f"broker: {exc!r}")
    try:
        with psycopg.connect(bench.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(bench.database)))
            roles = [r for (r,) in conn.execute("SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s)",
                                                (settings.db_role_prefix,))]
            for role in roles:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    except Exception as exc:
        problems.append(f"database: {exc!r}")
    if problems:
        _say("cleanup incomplete: " + "; ".join(problems))
    else:
        _say(f"cleaned up: dropped database {bench.database} and roles {settings.db_role_prefix}*, "
             f"deleted exchange {settings.bus_exchange} and its queues")


def _pika_parameters(settings: Settings) -> pika.ConnectionParameters:
    """kombu writes the default vhost as `//`; pika wants it spelled out (as tests/support/wire.py)."""
    parts = urlsplit(settings.broker_url)
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return pika.ConnectionParameters(
        host=parts.hostname or "localhost", port=parts.port or 5672, virtual_host=vhost,
        credentials=pika.PlainCredentials(unquote(parts.username or "guest"), unquote(parts.password or "guest")))


def _pika(settings: Settings) -> pika.BlockingConnection:
    return pika.BlockingConnection(_pika_parameters(settings))


@contextlib.contextmanager
def process(bench: Bench, name: str, args: list[str], ready_port: int | None = None):
    """A child process (its own process group) with the run's settings; output kept in a log file."""
    log_path = bench.logs / f"{name}.log"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BIRLIKTE_")},
           **settings_environment(bench.settings)}
    with open(log_path, "wb") as log:
        child = subprocess.Popen([sys.executable, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        if ready_port is not None:
            _wait_ready(child, ready_port, log_path)
        yield child
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(5)


def _wait_ready(child: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            if child.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"server on port {port} did not start:\n{tail}")
            time.sleep(0.1)


def _serve_registry(bench: Bench, port: int, workers: int, threads: int):
    """The registry exactly as operators run it: `birlikte serve` → shared.cli.serving.run_gunicorn."""
    return process(bench, f"registry-{port}", ["-m", "shared.cli", "serve", "registry", "--bind", "127.0.0.1",
                                                "--port", str(port), "--workers", str(workers),
                                                "--threads", str(threads)], port)


def _serve_bare(bench: Bench, port: int, workers: int, threads: int):
    """The bare app, under gunicorn with shared.cli.serving.gunicorn_options (the same settings)."""
    return process(bench, f"bare-{port}", ["-m", "benchmarks.bare_app", "--port", str(port),
                                           "--workers", str(workers), "--threads", str(threads)], port)


def organization(unique: str) -> dict:
    return {"name": f"Dayanışma Derneği {unique}", "kind": "association", "country": "TR", "city": "İzmir",
            "languages": ["tr"], "focus_areas": ["workers_rights"], "roles": ["participant"],
            "website": "https://dayanisma.example.org"}


def _token(settings: Settings) -> str:
    return TokenIssuer(settings).issue("bench-coordinator", roles=("coordinator",))


def _settle_outbox(bench: Bench) -> int:
    """Rows earlier figures left in the registry's outbox are not part of the next: mark them sent."""
    with psycopg.connect(bench.settings.database_url, autocommit=True) as conn:
        return conn.execute("UPDATE registry.outbox SET published_at = now() WHERE published_at IS NULL").rowcount


# ---------------------------------------------------------------- 1. HTTP
def measure_http(bench: Bench, opts) -> list[Row]:
    settings = bench.settings
    headers = {"Authorization": f"Bearer {_token(settings)}", "Content-Type": "application/json"}
    with psycopg.connect(settings.database_url_for("registry"), options="-c search_path=registry") as conn:
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO organizations (name, kind, country, city) VALUES (%s, 'association', 'TR', "
                            "'Ankara')", [(f"Okuma Örgütü {n}",) for n in range(1000)])
        ids = [str(i) for (i,) in conn.execute("SELECT id FROM organizations ORDER BY random()")]
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("ANALYZE registry.organizations")
    specs = {
        "GET": {"method": "GET", "paths": [f"/organizations/{i}" for i in ids], "headers": headers},
        "POST": {"method": "POST", "paths": ["/organizations"], "headers": headers,
                 "body": json.dumps(organization(loadgen.PLACEHOLDER.decode()), ensure_ascii=False)},
    }
    ports = {"ours": free_port(), "raw": free_port()}
    outcomes: dict[tuple[str, str], list[loadgen.Outcome]] = {}
    with _serve_registry(bench, ports["ours"], opts.workers, opts.threads), \
            _serve_bare(bench, ports["raw"], opts.workers, opts.threads):
        for n in range(opts.rounds):
            for method, spec in specs.items():
                # A-B, then B-A: whatever drifts during the run (the table grows, a neighbour wakes
                # up) weighs on both sides alike.
                for side in (("ours", "raw") if n % 2 == 0 else ("raw", "ours")):
                    outcome = loadgen.run({**spec, "port": ports[side], "connections": opts.connections,
                                           "seconds": opts.seconds, "warmup": opts.warmup})
                    outcomes.setdefault((side, method), []).append(outcome)
                    _say(f"  {method:4} {side:4} round {n + 1}: {outcome.rate:7,.0f} req/s, "
                         f"p50 {percentile(outcome.latencies_ms, 50):6.1f} ms, "
                         f"p99 {percentile(outcome.latencies_ms, 99):6.1f} ms, failures {outcome.failures}, "
                         f"client CPU {outcome.cpu_seconds / outcome.wall_seconds:.0%} of a core")
    rows = []
    label = f"{opts.connections} conn., {opts.rounds} rounds"
    for method in specs:
        ours, raw = outcomes[("ours", method)], outcomes[("raw", method)]
        rate = {side: statistics.median(o.rate for o in outcomes[(side, method)]) for side in ports}
        pooled = {side: [ms for o in outcomes[(side, method)] for ms in o.latencies_ms] for side in ports}
        what = "GET /organizations/<id>" if method == "GET" else "POST /organizations"
        ratio = statistics.median(a.rate / b.rate if b.rate else 0.0 for a, b in zip(ours, raw))
        rows.append(Row(f"{what}: requests/s ({label})", "req/s", rate["ours"], rate["raw"], "≥ 0.67",
                        ratio >= 0.67, paired=ratio, rounds=[[a.rate, b.rate] for a, b in zip(ours, raw)]))
        for p in (50, 99):
            rows.append(Row(f"{what}: p{p} latency (all rounds)", "ms", percentile(pooled["ours"], p),
                            percentile(pooled["raw"], p)))
        failures = {side: sum(o.failures for o in outcomes[(side, method)]) for side in ports}
        rows.append(Row(f"{what}: failed responses", "count", failures["ours"], failures["raw"], "0",
                        failures["ours"] == 0 and failures["raw"] == 0))
        client = max(o.cpu_seconds / o.wall_seconds for o in ours + raw)
        rows[-1].note = f"load generator used at most {client:.0%} of one core"
    return rows


# ---------------------------------------------------------------- 2. relay
def measure_relay(bench: Bench, opts) -> list[Row]:
    settings, messages = bench.settings, opts.messages
    _settle_outbox(bench)
    pool = open_pool(settings, "registry", min_size=1, max_size=2)
    relay = Relay(settings, "registry", pool)
    conn = _pika(settings)
    try:
        channel = conn.channel()
        channel.exchange_declare(settings.bus_exchange, exchange_type="topic", durable=True)
        # Where the messages go, as in production: a durable quorum queue bound to their key.
        queue = f"{settings.bus_queue_prefix}.relay-sink"
        bench.queues.append(queue)
        channel.queue_declare(queue, durable=True, arguments={"x-queue-type": opts.relay_queue})
        channel.queue_bind(queue, settings.bus_exchange, routing_key="bench.relay.#")
        properties = pika.BasicProperties(content_type="application/cloudevents+json", delivery_mode=2)

        def fill(count: int) -> list[bytes]:
            with pool.connection() as db, db.transaction():
                for n in range(count):
                    publish(db, "bench.relay.message", {"n": n, "name": f"Örgüt {n}"}, source="urn:bench",
                            subject=str(n))
                return [r["body"].encode() for r in db.execute(
                    "SELECT envelope::text AS body FROM outbox WHERE published_at IS NULL ORDER BY id")]

        def queued() -> int:
            return channel.queue_declare(queue, passive=True).method.message_count

        def settle(expected: int) -> int:
            """Wait (untimed) until the queue holds what was sent, then empty it; returns the count."""
            deadline = time.monotonic() + 60
            while (count := queued()) < expected and time.monotonic() < deadline:
                conn.sleep(0.05)
            channel.queue_purge(queue)
            return count

        def ours(count: int) -> tuple[float, int, int]:
            started = time.perf_counter()
            published = relay.drain()
            rate = published / (time.perf_counter() - started)
            with pool.connection() as db:
                unmarked = db.execute("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").fetchone()["n"]
            return rate, unmarked, settle(count)

        def raw(bodies: list[bytes]) -> tuple[float, int]:
            started = time.perf_counter()
            for body in bodies:
                channel.basic_publish(settings.bus_exchange, "bench.relay.message", body, properties)
            queued()  # one round trip on the channel: the broker has read everything before it
            rate = len(bodies) / (time.perf_counter() - started)
            return rate, settle(len(bodies))

        bodies = fill(min(messages, 500))  # warm-up, both sides: connections, caches, the queue
        ours(len(bodies))
        raw(bodies)
        results = {"ours": [], "raw": []}
        unmarked = delivered_ours = delivered_raw = 0
        for n in range(opts.rounds):
            bodies = fill(messages)
            for side in (("ours", "raw") if n % 2 == 0 else ("raw", "ours")):
                if side == "ours":
                    rate, left, delivered = ours(messages)
                    unmarked += left
                    delivered_ours += delivered
                else:
                    rate, delivered = raw(bodies)
                    delivered_raw += delivered
                results[side].append(rate)
                _say(f"  relay {side:4} round {n + 1}: {rate:8,.0f} msg/s")
        confirming = conn.channel()
        confirming.confirm_delivery()
        sample = bodies[:max(100, min(len(bodies) // 4, 2000))]
        started = time.perf_counter()
        for body in sample:
            confirming.basic_publish(settings.bus_exchange, "bench.relay.message", body, properties)
        sync = len(sample) / (time.perf_counter() - started)
        confirming.close()
        settle(len(sample))
    finally:
        conn.close()
        relay.publisher.close()
        pool.close()
    ours_rate, raw_rate = statistics.median(results["ours"]), statistics.median(results["raw"])
    ratio = statistics.median(a / b for a, b in zip(results["ours"], results["raw"]))
    sent = messages * opts.rounds
    return [
        Row(f"relay: {messages:,} outbox rows → broker, confirmed, vs pika unconfirmed ({opts.rounds} rounds)",
            "msg/s", ours_rate, raw_rate, "≥ 0.5", ratio >= 0.5, paired=ratio,
            rounds=[list(pair) for pair in zip(results["ours"], results["raw"])]),
        Row("relay: context — the same relay vs pika waiting for each confirm", "msg/s", ours_rate, sync),
        Row("relay: rows left unmarked after drain", "count", unmarked, None, "0", unmarked == 0),
        Row(f"relay: messages that reached the {opts.relay_queue} queue (ours / raw, of {sent:,})", "count",
            delivered_ours, delivered_raw, "all", delivered_ours == sent and delivered_raw == sent),
    ]


# ---------------------------------------------------------------- 3. consumer
def _migrate_sink(settings: Settings) -> None:
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "0001_sink.sql").write_text(SINK_SQL)
        migrate(settings, SINK, Path(directory))


class _Numbered(Schema):
    n = fields.Integer(required=True)


class _Named(_Numbered):
    name = fields.String(required=True)


contracts.register("bench.consume.message", _Numbered)  # the benchmark's own message types, with contracts
contracts.register("bench.relay.message", _Named)


def _effect(cur, message) -> None:
    cur.execute("INSERT INTO effects (message_id) VALUES (%s)", (message.id,))


def measure_consumer(bench: Bench, opts) -> list[Row]:
    settings, messages = bench.settings, opts.consumer_messages
    topology.declare(settings, SINK, ["bench.consume.message"])
    queue = topology.queue_name(settings, SINK)
    pool = open_pool(settings, SINK, min_size=1, max_size=2)

    def preload(conn) -> None:
        """N messages into the sink's queue, published unconfirmed; waited for until all are there."""
        channel = conn.channel()
        properties = pika.BasicProperties(content_type="application/cloudevents+json", delivery_mode=2)
        for n in range(messages):
            envelope = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "urn:bench",
                        "type": "bench.consume.message", "data": {"n": n}}
            channel.basic_publish(settings.bus_exchange, "bench.consume.message", json.dumps(envelope).encode(),
                                  properties)
        deadline = time.monotonic() + 120
        while channel.queue_declare(queue, durable=True, passive=True).method.message_count < messages:
            if time.monotonic() > deadline:
                raise RuntimeError("the pre-loaded messages did not all reach the queue")
            conn.sleep(0.05)
        channel.close()

    def count(table: str) -> int:
        with pool.connection() as db:
            return db.execute(sql.SQL("SELECT count(*) AS n FROM {}").format(sql.Identifier(table))).fetchone()["n"]

    def ours() -> float:
        done, handled = threading.Event(), [0]

        def after_commit(_envelope):
            handled[0] += 1
            if handled[0] >= messages:
                done.set()

        consumer = Consumer(settings, SINK, pool, {"bench.consume.message": [_effect]}, after_commit)
        stop = threading.Event()
        thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
        started = time.perf_counter()
        thread.start()
        finished = done.wait(300)
        elapsed = time.perf_counter() - started
        stop.set()
        thread.join(10)
        if not finished:
            raise RuntimeError(f"the consumer handled {handled[0]} of {messages} messages")
        return messages / elapsed

    def raw() -> float:
        handled = [0]
        started = time.perf_counter()
        with psycopg.connect(settings.database_url_for(SINK), options=f"-c search_path={SINK}") as db, \
                _pika(settings) as conn:
            channel = conn.channel()
            channel.basic_qos(prefetch_count=settings.bus_prefetch)

            def on_message(ch, method, _properties, body):
                envelope = json.loads(body)
                db.execute("INSERT INTO effects (message_id) VALUES (%s)", (envelope["id"],))
                db.commit()
                ch.basic_ack(method.delivery_tag)
                handled[0] += 1
                if handled[0] >= messages:
                    ch.stop_consuming()

            channel.basic_consume(queue, on_message)
            channel.start_consuming()
            elapsed = time.perf_counter() - started
        return messages / elapsed

    rates, effects = {}, {}
    try:
        with _pika(settings) as conn:
            for side, measure in (("ours", ours), ("raw", raw)):
                with pool.connection() as db:
                    db.execute("DELETE FROM effects")
                preload(conn)
                rates[side] = measure()
                effects[side] = count("effects")
                _say(f"  consumer {side:4}: {rates[side]:8,.0f} msg/s")
        inbox = count("inbox")
    finally:
        pool.close()
    ratio = rates["ours"] / rates["raw"]
    return [
        Row(f"consumer: {messages:,} messages, inbox + 1 INSERT, 1 worker vs pika + commit per message",
            "msg/s", rates["ours"], rates["raw"], "≥ 0.8", ratio >= 0.8),
        Row("consumer: effects committed (ours / raw)", "count", effects["ours"], effects["raw"], f"{messages:,} each",
            effects["ours"] == messages and effects["raw"] == messages and inbox == messages),
    ]


# ---------------------------------------------------------------- 4. write → consumer
def measure_latency(bench: Bench, opts) -> list[Row]:
    settings = bench.settings
    _settle_outbox(bench)  # before the binding: old rows would otherwise reach the sink
    topology.declare(settings, SINK, ["registry.organization.created"])
    pool = open_pool(settings, SINK, min_size=1, max_size=2)
    committed: dict[str, float] = {}
    arrived = threading.Condition()

    def after_commit(envelope):
        if envelope["type"] == "registry.organization.created":
            with arrived:
                committed[envelope["data"]["id"]] = time.perf_counter()
                arrived.notify_all()

    sink = Consumer(settings, SINK, pool, {"registry.organization.created": [_effect]}, after_commit)
    stop = threading.Event()
    thread = threading.Thread(target=sink.run, args=(stop,), daemon=True)
    thread.start()
    headers = {"Authorization": f"Bearer {_token(settings)}", "Content-Type": "application/json"}
    to_commit, to_201, lost = [], [], 0
    port = free_port()
    try:
        with _serve_registry(bench, port, opts.workers, opts.threads), \
                process(bench, "registry-worker", ["-m", "shared.cli", "worker", "registry"]):
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            warmup = 10 if opts.writes >= 50 else 3  # the worker's relay connects; pools fill up
            for n in range(warmup + opts.writes):
                body = json.dumps(organization(f"{bench.tag}-latency-{n}"), ensure_ascii=False).encode()
                started = time.perf_counter()
                client.request("POST", "/organizations", body, headers)
                response = client.getresponse()
                answer = response.read()
                answered = time.perf_counter()
                if response.status != 201:
                    raise RuntimeError(f"POST /organizations answered {response.status}: {answer[:300]!r}")
                created = json.loads(answer)["id"]
                with arrived:
                    seen = arrived.wait_for(lambda: created in committed, timeout=30 if n < warmup else 10)
                if n < warmup:
                    if not seen:
                        raise RuntimeError("the write did not reach the consumer: is the worker running?")
                    continue
                to_201.append((answered - started) * 1000)
                if seen:
                    to_commit.append((committed[created] - started) * 1000)
                else:
                    lost += 1
            client.close()
    finally:
        stop.set()
        thread.join(10)
        pool.close()
    p50 = percentile(to_commit, 50)
    return [
        Row(f"write → consumer committed: p50 ({opts.writes} writes, one at a time)", "ms", p50, None, "< 20 ms",
            p50 < 20),
        Row("write → consumer committed: p99", "ms", percentile(to_commit, 99)),
        Row("of which request → 201: p50", "ms", percentile(to_201, 50)),
        Row("writes that reached the consumer", "count", len(to_commit), None, f"all {opts.writes}",
            len(to_commit) == opts.writes and lost == 0),
    ]


# ---------------------------------------------------------------- the run
MEASURES = {"http": measure_http, "relay": measure_relay, "consumer": measure_consumer, "latency": measure_latency}
TITLES = {"http": "HTTP: registry vs bare Flask + psycopg_pool, same gunicorn settings",
          "relay": "relay vs raw pika", "consumer": "consumer vs raw pika + psycopg",
          "latency": "write → consumer latency"}


def run(opts) -> dict:
    base = load_settings()
    environment = {"cpus": os.cpu_count(), "python": platform.python_version(),
                   "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="birlikte-bench-") as logs, isolated(base, Path(logs)) as bench:
        migrate(bench.settings, "registry", registry.SERVICE.migrations)
        _migrate_sink(bench.settings)
        for name in opts.only:
            _say(f"measuring {TITLES[name]}…")
            rows += MEASURES[name](bench, opts)
    environment["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return {"suite": "backbone", "environment": environment, "config": _config(opts),
            "figures": [r.as_json() for r in rows], "rows": rows}


def _config(opts) -> dict:
    return {k: v for k, v in vars(opts).items() if k not in ("json",)}


def report(result: dict) -> str:
    env, cfg = result["environment"], result["config"]
    lines = [
        "",
        f"Birlikte backbone vs the raw stack — gunicorn {cfg['workers']} workers × {cfg['threads']} threads (gthread) "
        f"for both servers; {cfg['connections']} keep-alive connections",
        f"{env['cpus']} CPUs, shared by the load generator, both servers, PostgreSQL and RabbitMQ; load average "
        f"{env['load_average_before'][0]} before, {env['load_average_after'][0]} after.",
        "ratio = ours ÷ raw (for latencies above 1 is slower). Figures measured in rounds show each side's median "
        "round; their ratio is the median of the rounds' own ratios (each round ran both sides back to back, "
        "A-B then B-A).",
        "",
        table(result["rows"]),
    ]
    notes = [f"  note: {r.figure.split(':')[0]}: {r.note}" for r in result["rows"] if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.backbone", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a short smoke run: tiny counts, one round")
    p.add_argument("--seconds", type=float, help="measured seconds per HTTP load (default 4; quick 0.7)")
    p.add_argument("--warmup", type=float, help="warm-up seconds before each HTTP load (default 1; quick 0.3)")
    p.add_argument("--rounds", type=int, help="rounds of the HTTP and relay figures, medians reported "
                                              "(default 5; quick 1)")
    p.add_argument("--connections", type=int, default=32, help="concurrent keep-alive connections (default 32)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers, both servers (default 2)")
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker, both servers (default 4, "
                                                          "as `birlikte serve`)")
    p.add_argument("--messages", type=int, help="outbox rows per relay round (default 20000; quick 300)")
    p.add_argument("--consumer-messages", type=int, help="messages for the consumer figure (default: --messages)")
    p.add_argument("--relay-queue", choices=("quorum", "classic"), default="quorum",
                   help="the queue the relayed messages land in (default quorum, as the services' queues)")
    p.add_argument("--writes", type=int, help="writes for the latency figure (default 300; quick 15)")
    p.add_argument("--only", type=lambda v: [f.strip() for f in v.split(",") if f.strip()], default=list(FIGURES),
                   help=f"a comma-separated subset of {','.join(FIGURES)}")
    p.add_argument("--json", help="also write the results to this file")
    return p


def options(argv=None) -> argparse.Namespace:
    opts = parser().parse_args(argv)
    quick = opts.quick
    defaults = {"seconds": (4.0, 0.7), "warmup": (1.0, 0.3), "rounds": (5, 1), "messages": (20000, 300),
                "writes": (300, 15)}
    for name, (full, small) in defaults.items():
        if getattr(opts, name) is None:
            setattr(opts, name, small if quick else full)
    if opts.consumer_messages is None:
        opts.consumer_messages = opts.messages
    unknown = [f for f in opts.only if f not in FIGURES]
    if unknown:
        parser().error(f"--only: unknown {', '.join(unknown)} (choose from {', '.join(FIGURES)})")
    return opts


def main(argv=None) -> int:
    opts = options(argv)
    result = run(opts)
    print(report(result), flush=True)
    if opts.json:
        out = {k: v for k, v in result.items() if k != "rows"}
        Path(opts.json).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
