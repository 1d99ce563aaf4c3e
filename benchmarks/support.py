"""What every benchmark needs: a database of its own, servers in subprocesses, a load generator,
percentiles and a table."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from psycopg import sql

from shared.cli.ops import maintenance_url
from shared.config import Settings, load_settings, settings_environment


def keypair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@contextlib.contextmanager
def bench_settings(prefix: str = "bench"):
    """Settings on a fresh database and fresh bus names, all removed afterwards."""
    base = load_settings()
    tag = uuid.uuid4().hex[:8]
    name = f"birlikte_{prefix}_{tag}"
    admin = maintenance_url(base.database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    private, public = keypair()
    url = urlsplit(base.database_url)._replace(path="/" + name).geturl()
    settings = base.replace(database_url=url, bus_exchange=f"birlikte.{prefix}.{tag}",
                            bus_queue_prefix=f"birlikte.{prefix}.{tag}", jwt_private_key=private,
                            jwt_public_key=public, log_format="json", relay_poll_seconds=1.0)
    try:
        yield settings
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def server(args: list[str], settings: Settings, port: int, ready_path: str = "/healthz"):
    """A server command in a subprocess (its output discarded), waited for and stopped."""
    env = {**os.environ, **settings_environment(settings)}
    process = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server {' '.join(args)} did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Load:
    """The outcome of a load run: completed requests, elapsed time, latencies (s), failures."""
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def load(port: int, make_request, *, connections: int = 32, seconds: float = 10.0, warmup: float = 2.0) -> Load:
    """Keep `connections` keep-alive HTTP/1.1 connections busy for `seconds` (after a warm-up).

    `make_request(n)` returns (method, path, headers dict, body bytes). One asyncio process: the
    client costs little next to the server, and costs the same against both servers measured."""
    return asyncio.run(_load(port, make_request, connections, seconds, warmup))


async def _load(port, make_request, connections, seconds, warmup) -> Load:
    result = Load()
    counter = iter(range(10 ** 12))
    started = time.perf_counter()
    measure_from, stop_at = started + warmup, started + warmup + seconds

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while True:
                now = time.perf_counter()
                if now >= stop_at:
                    return
                method, path, headers, body = make_request(next(counter))
                head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
                writer.write(head.encode() + body)
                status, length = await _read_response(reader)
                end = time.perf_counter()
                if now >= measure_from:
                    result.requests += 1
                    result.latencies.append(end - now)
                    if status >= 400:
                        result.failures += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    result.seconds = min(time.perf_counter(), stop_at + 60) - measure_from
    result.seconds = seconds if result.seconds > seconds else result.seconds
    return result


async def _read_response(reader) -> tuple[int, int]:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status, length


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def print_table(title: str, rows: list[tuple]) -> None:
    """rows: (figure, ours, raw, ratio, target, met)."""
    header = ("figure", "Birlikte", "raw stack", "ratio", "target", "met")
    table = [header, *[tuple("" if v is None else str(v) for v in row) for row in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(table):
        print("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def analyze(settings, *tables: str) -> None:
    """Fresh statistics, as autovacuum would gather: as the tables' owner (the service role cannot)."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(
            sql.Identifier(*table.split(".")) for table in tables)))


def report_lines(lines: list[str], rows) -> str:
    """A suite's report: its heading lines, then the notes its rows carry."""
    notes = [f"  note: {r.figure.split(':')[0]}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def suite_main(options, run, report, argv=None, *, failed=lambda row: row.met is False) -> int:
    """Run a suite from the command line: its options, a SIGTERM that still stops its servers and
    drops its database, the report printed, the results written as JSON when asked; exit 1 when a
    check did not hold."""
    opts = options(argv)

    def stop(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, stop)

    result = run(opts)
    print(report(result), flush=True)
    if opts.json:
        Path(opts.json).write_text(json.dumps({k: v for k, v in result.items() if k != "rows"},
                                              ensure_ascii=False, indent=2))
    failing = [r.figure for r in result["rows"] if failed(r)]
    if failing:
        print("\nFAILED: " + "; ".join(failing), flush=True)
        return 1
    return 0
