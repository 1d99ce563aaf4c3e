"""The backbone and the registry against the raw stack, in one run:

1. registry GET /organizations/<id> and POST /organizations (row + outbox message in one
   transaction), 32 keep-alive connections, against a bare Flask + psycopg app doing the same SQL
   under the same gunicorn settings;
2. the outbox relay (confirmed, rows marked after their confirm) against raw pika publishing the
   same messages without confirms — and, for context, pika with a confirm per message;
3. the consumer with its inbox (one worker) against raw pika consume + one psycopg commit per message;
4. write-to-consumer latency: API 201 → relay → broker → another service's handler committed.

    python -m benchmarks.backbone [--quick] [--seconds 10] [--messages 20000] [--json out.json]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pika
import psycopg

from benchmarks.support import Load, bench_settings, free_port, load, ms, percentile, print_table, server
from shared.auth.tokens import TokenIssuer
from shared.bus import topology
from shared.bus.consumer import Consumer
from shared.bus.outbox import publish
from shared.bus.relay import Relay
from shared.db import open_pool
from shared.migrations import migrate
from services import registry

WORKERS, THREADS = 2, 8
SINK = "benchsink"
SINK_SQL = "CREATE TABLE effects (message_id text PRIMARY KEY, seen_at timestamptz NOT NULL DEFAULT now());"


def _pika(settings) -> pika.BlockingConnection:
    from urllib.parse import unquote, urlsplit
    parts = urlsplit(settings.broker_url)
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return pika.BlockingConnection(pika.ConnectionParameters(
        host=parts.hostname or "localhost", port=parts.port or 5672, virtual_host=vhost,
        credentials=pika.PlainCredentials(unquote(parts.username or "guest"), unquote(parts.password or "guest"))))


def organization(n: int) -> dict:
    return {"name": f"Dayanışma Derneği {uuid.uuid4().hex[:12]} {n}", "kind": "association", "country": "TR",
            "city": "İzmir", "languages": ["tr"], "focus_areas": ["workers_rights"], "roles": ["participant"],
            "website": "https://dayanisma.example.org"}


# ---------------------------------------------------------------- 1. HTTP
def http(settings, seconds: float, rounds: int = 3) -> list[tuple]:
    """Both servers run side by side; loads alternate between them, round after round, and each
    figure is the median round — a noisy neighbour hurts both alike."""
    token = TokenIssuer(settings).issue("bench-coordinator", roles=("coordinator",))
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with psycopg.connect(settings.database_url_for("registry"), options="-c search_path=registry") as conn:
        ids = [str(conn.execute("INSERT INTO organizations (name, kind, country) VALUES (%s, 'association', 'TR') "
                                "RETURNING id", (f"Okuma Örgütü {n}",)).fetchone()[0]) for n in range(200)]
    requests = {"GET": lambda n: ("GET", f"/organizations/{ids[n % len(ids)]}", auth, b""),
                "POST": lambda n: ("POST", "/organizations", auth, json.dumps(organization(n)).encode())}
    ports = {"Birlikte": free_port(), "raw": free_port()}
    commands = {"Birlikte": ["-m", "shared.cli", "serve", "registry", "--bind", "127.0.0.1"],
                "raw": ["-m", "benchmarks.bare_app"]}
    results: dict[tuple, list[Load]] = {}
    with contextlib.ExitStack() as stack:
        for name, command in commands.items():
            stack.enter_context(server([*command, "--port", str(ports[name]), "--workers", str(WORKERS),
                                        "--threads", str(THREADS)], settings, ports[name]))
        for _ in range(rounds):
            for method, request in requests.items():
                for name in ports:
                    results.setdefault((name, method), []).append(load(ports[name], request, seconds=seconds))
    rows = []
    for method in requests:
        ours, raw = (sorted(results[(n, method)], key=lambda r: r.rate)[rounds // 2] for n in ("Birlikte", "raw"))
        ratio = ours.rate / raw.rate
        rows.append((f"{method} requests/s (32 conn., median of {rounds})", f"{ours.rate:,.0f}", f"{raw.rate:,.0f}",
                     f"{ratio:.2f}", "≥ 0.67", _met(ratio >= 0.67)))
        rows.append((f"{method} p50 / p99", f"{ms(ours.percentile(50))} / {ms(ours.percentile(99))}",
                     f"{ms(raw.percentile(50))} / {ms(raw.percentile(99))}", "", "", ""))
        failures = sum(r.failures for n in ("Birlikte", "raw") for r in results[(n, method)])
        if failures:
            rows.append((f"{method} failed responses", failures, "", "", "0", _met(False)))
    return rows


# ---------------------------------------------------------------- 2. relay
def relay(settings, messages: int, rounds: int = 3) -> list[tuple]:
    """Each round: the relay drains `messages` outbox rows, then raw pika publishes the same bodies;
    the figures are the median rounds."""
    pool = open_pool(settings, "registry", min_size=1, max_size=2)
    conn = _pika(settings)
    channel = conn.channel()
    channel.exchange_declare(settings.bus_exchange, exchange_type="topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue  # the messages go somewhere, as in production
    channel.queue_bind(queue, settings.bus_exchange, routing_key="bench.#")
    properties = pika.BasicProperties(content_type="application/cloudevents+json", delivery_mode=2)
    relay = Relay(settings, "registry", pool)
    ours, raw, unmarked = [], [], 0
    for _ in range(rounds):
        with pool.connection() as db, db.transaction():
            for n in range(messages):
                publish(db, "bench.relay.message", {"n": n, "name": f"Örgüt {n}"}, source="urn:bench", subject=str(n))
            bodies = [r["body"].encode() for r in db.execute(
                "SELECT envelope::text AS body FROM outbox WHERE published_at IS NULL AND routing_key = 'bench.relay.message'")]
        started = time.perf_counter()
        published = relay.drain()
        ours.append(published / (time.perf_counter() - started))
        with pool.connection() as db:
            unmarked += db.execute("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").fetchone()["n"]
        channel.queue_purge(queue)
        started = time.perf_counter()
        for body in bodies:
            channel.basic_publish(settings.bus_exchange, "bench.relay.message", body, properties)
        channel.queue_declare(queue, passive=True)  # a round trip: everything before it has been sent
        raw.append(len(bodies) / (time.perf_counter() - started))
        channel.queue_purge(queue)
    confirming = conn.channel()
    confirming.confirm_delivery()
    sample = bodies[: max(len(bodies) // 4, 100)]
    started = time.perf_counter()
    for body in sample:
        confirming.basic_publish(settings.bus_exchange, "bench.relay.message", body, properties)
    sync = len(sample) / (time.perf_counter() - started)
    conn.close()
    relay.publisher.close()
    pool.close()
    ours_rate, raw_rate = sorted(ours)[rounds // 2], sorted(raw)[rounds // 2]
    return [(f"relay messages/s (confirmed, median of {rounds})", f"{ours_rate:,.0f}", f"{raw_rate:,.0f}",
             f"{ours_rate / raw_rate:.2f}", "≥ 0.5", _met(ours_rate / raw_rate >= 0.5 and unmarked == 0)),
            ("rows left unmarked after drain", unmarked, "", "", "0", _met(unmarked == 0)),
            ("context: pika, one sync confirm per message", "", f"{sync:,.0f}", f"{sync / raw_rate:.2f}", "", "")]


# ---------------------------------------------------------------- 3. consumer
def consumer(settings, messages: int) -> list[tuple]:
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "0001_sink.sql").write_text(SINK_SQL)
        migrate(settings, SINK, Path(directory))
    pool = open_pool(settings, SINK, min_size=1, max_size=4)

    def effect(conn, envelope):
        conn.execute("INSERT INTO effects (message_id) VALUES (%s)", (envelope["id"],))

    ours = Consumer(settings, SINK, pool, [("bench.consume.#", effect)])
    topology.declare(settings, SINK, ["bench.consume.#"])
    queue = topology.queue_name(settings, SINK)
    conn = _pika(settings)
    channel = conn.channel()

    def preload():
        for n in range(messages):
            envelope = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "urn:bench",
                        "type": "bench.consume.message", "data": {"n": n}}
            channel.basic_publish(settings.bus_exchange, "bench.consume.message", json.dumps(envelope).encode(),
                                  pika.BasicProperties(delivery_mode=2))
        channel.queue_declare(queue, durable=True, passive=True)

    def effects() -> int:
        with pool.connection() as db:
            return db.execute("SELECT count(*) AS n FROM effects").fetchone()["n"]

    preload()
    stop = threading.Event()
    started = time.perf_counter()
    thread = threading.Thread(target=ours.run, args=(stop,), daemon=True)
    thread.start()
    while effects() < messages:
        time.sleep(0.02)
    ours_rate = messages / (time.perf_counter() - started)
    stop.set()
    thread.join(10)

    with pool.connection() as db:
        db.execute("DELETE FROM effects")
    preload()
    raw_db = psycopg.connect(settings.database_url_for(SINK), options=f"-c search_path={SINK}")
    channel.basic_qos(prefetch_count=settings.bus_prefetch)
    done = [0]

    def on_message(ch, method, properties, body):
        envelope = json.loads(body)
        raw_db.execute("INSERT INTO effects (message_id) VALUES (%s)", (envelope["id"],))
        raw_db.commit()
        ch.basic_ack(method.delivery_tag)
        done[0] += 1
        if done[0] >= messages:
            ch.stop_consuming()

    started = time.perf_counter()
    channel.basic_consume(queue, on_message)
    channel.start_consuming()
    raw_rate = messages / (time.perf_counter() - started)
    raw_db.close()
    conn.close()
    topology.delete(settings, SINK)
    pool.close()
    return [("consumer messages/s (inbox, 1 worker)", f"{ours_rate:,.0f}", f"{raw_rate:,.0f}",
             f"{ours_rate / raw_rate:.2f}", "≥ 0.8", _met(ours_rate / raw_rate >= 0.8))]


# ---------------------------------------------------------------- 4. latency
def latency(settings, writes: int) -> list[tuple]:
    registry_pool = open_pool(settings, "registry", min_size=1, max_size=4)
    sink_pool = open_pool(settings, SINK, min_size=1, max_size=4)
    committed: dict[str, float] = {}
    arrived = threading.Condition()

    def effect(conn, envelope):
        conn.execute("INSERT INTO effects (message_id) VALUES (%s)", (envelope["id"],))

    def after_commit(envelope):
        with arrived:
            committed[envelope["data"]["id"]] = time.perf_counter()
            arrived.notify_all()

    topology.declare(settings, SINK, ["registry.organization.created"])
    stop = threading.Event()
    relay = Relay(settings, "registry", registry_pool)
    relay.drain()  # what earlier steps left behind does not count
    sink = Consumer(settings, SINK, sink_pool, [("registry.organization.created", effect)], after_commit)
    threads = [threading.Thread(target=relay.run, args=(stop,), daemon=True),
               threading.Thread(target=sink.run, args=(stop,), daemon=True)]
    for thread in threads:
        thread.start()
    token = TokenIssuer(settings).issue("bench-coordinator", roles=("coordinator",))
    port = free_port()
    samples = []
    import http.client
    with server(["-m", "shared.cli", "serve", "registry", "--port", str(port), "--bind", "127.0.0.1",
                 "--workers", str(WORKERS), "--threads", str(THREADS)], settings, port):
        client = http.client.HTTPConnection("127.0.0.1", port)
        time.sleep(1.0)
        for n in range(writes):
            body = json.dumps(organization(n))
            started = time.perf_counter()
            client.request("POST", "/organizations", body, {"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json"})
            response = client.getresponse()
            created = json.loads(response.read())
            with arrived:
                arrived.wait_for(lambda: created["id"] in committed, timeout=10)
            if created["id"] in committed:
                samples.append(committed[created["id"]] - started)
    stop.set()
    for thread in threads:
        thread.join(10)
    topology.delete(settings, SINK)
    registry_pool.close()
    sink_pool.close()
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    return [("write → consumer committed p50", ms(p50), "", "", "< 20 ms", _met(p50 < 0.020)),
            ("write → consumer committed p99", ms(p99), "", "", "", ""),
            ("writes measured / delivered", f"{writes} / {len(samples)}", "", "", "all", _met(len(samples) == writes))]


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def run(quick: bool = False, seconds: float = 5.0, messages: int = 20000, writes: int = 300) -> list[tuple]:
    if quick:
        seconds, messages, writes = 1.0, 500, 20
    with bench_settings("backbone") as settings:
        migrate(settings, "registry", registry.MIGRATIONS)
        rows = []
        print("measuring HTTP (registry vs bare Flask + psycopg)…", flush=True)
        rows += http(settings, seconds, rounds=1 if quick else 3)
        print("measuring the relay (vs raw pika)…", flush=True)
        rows += relay(settings, messages, rounds=1 if quick else 3)
        print("measuring the consumer (vs raw pika + psycopg)…", flush=True)
        rows += consumer(settings, messages)
        print("measuring write-to-consumer latency…", flush=True)
        rows += latency(settings, writes)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: a smoke run")
    parser.add_argument("--seconds", type=float, default=5.0, help="measurement time per HTTP round (3 rounds)")
    parser.add_argument("--messages", type=int, default=20000, help="messages for the relay and consumer figures")
    parser.add_argument("--writes", type=int, default=300, help="writes for the latency figure")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    rows = run(args.quick, args.seconds, args.messages, args.writes)
    print_table(f"Birlikte backbone — workers {WORKERS} × threads {THREADS}; client and servers share this "
                "machine's cores, so read ratios, not absolutes", rows)
    if args.json:
        Path(args.json).write_text(json.dumps([dict(zip(("figure", "ours", "raw", "ratio", "target", "met"), r))
                                               for r in rows], ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
