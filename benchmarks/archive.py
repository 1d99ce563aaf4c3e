"""The archive: download throughput against reading the file directly, memory while a large file
is uploaded, and search with 100,000 items against the same SQL in plain psycopg.

    python -m benchmarks.archive [--quick] [--items 100000] [--file-mb 200] [--json out.json]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import requests
from psycopg_pool import ConnectionPool

from benchmarks.support import Load, analyze, bench_settings, free_port, load, ms, print_table, server
from shared.auth.principal import Principal
from shared.auth.tokens import TokenIssuer
from shared.migrations import migrate
from services import archive
from services.archive import access, queries

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WORDS_TR = ("örgüt", "dayanışma", "gönüllü", "yönetişim", "çalışma", "ilişkileri", "kadın", "eşitlik", "mülteci",
            "çevre", "gençlik", "demokrasi", "kaynak", "bağış", "hak", "savunuculuk", "toplantı", "deneyim")
WORDS_EN = ("organization", "solidarity", "volunteer", "governance", "work", "relations", "women", "equality",
            "refugee", "environment", "youth", "democracy", "funding", "grants", "rights", "advocacy", "meeting")


def worker_pids(port: int) -> list[int]:
    out = subprocess.run(["pgrep", "-f", f"serve archive --bind 127.0.0.1 --port {port}"], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def big_file(path: Path, megabytes: int) -> None:
    block = os.urandom(1 << 20)
    with open(path, "wb") as out:
        out.write(MP4_HEAD + block[len(MP4_HEAD):])
        for _ in range(megabytes - 1):
            out.write(block)


def files(settings, port: int, megabytes: int) -> list[tuple]:
    token = TokenIssuer(settings).issue("bench", roles=("coordinator",))
    auth = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}"
    item = requests.post(f"{base}/items", json={"type": "recording", "media": "video", "title": {"tr": "Kayıt"},
                                                 "language": "tr", "visibility": "public"}, headers=auth).json()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "recording.mp4"
        big_file(path, megabytes)
        pids = worker_pids(port)
        before = {pid: peak_rss_mb(pid) for pid in pids}
        began = time.perf_counter()
        with open(path, "rb") as body:
            uploaded = requests.put(f"{base}/items/{item['id']}/file", data=body,
                                    headers={**auth, "If-Match": '"v1"', "Content-Length": str(path.stat().st_size)})
        upload_seconds = time.perf_counter() - began
        assert uploaded.status_code == 200, uploaded.text
        after = {pid: peak_rss_mb(pid) for pid in pids}
        growth = max(after[p] - before[p] for p in pids)
        requests.post(f"{base}/items/{item['id']}/publish", headers={**auth, "If-Match": uploaded.headers["ETag"]})
        stored = next(p for p in Path(settings.archive_dir).rglob("*") if p.is_file() and p.stat().st_size == path.stat().st_size)
        rates = {"api": [], "disk": []}
        for _ in range(3):
            began = time.perf_counter()
            with requests.get(f"{base}/items/{item['id']}/file", stream=True) as response:
                size = sum(len(chunk) for chunk in response.iter_content(1 << 20))
            rates["api"].append(size / (time.perf_counter() - began) / 2 ** 20)
            began = time.perf_counter()
            with open(stored, "rb") as handle:
                size = sum(len(chunk) for chunk in iter(lambda: handle.read(1 << 20), b""))
            rates["disk"].append(size / (time.perf_counter() - began) / 2 ** 20)
    api, disk = sorted(rates["api"])[1], sorted(rates["disk"])[1]
    return [(f"upload {megabytes} MB: time · worker peak RSS growth", f"{upload_seconds:.1f} s · {growth:.1f} MB",
             "", "", "bounded", "yes" if growth < 64 else "NO"),
            (f"download {megabytes} MB (median of 3)", f"{api:,.0f} MB/s", f"{disk:,.0f} MB/s (read file)",
             f"{api / disk:.2f}", "", "")]


def fill(settings, items: int) -> None:
    """Items whose words mostly come from a large vocabulary, the community's own words now and then
    (as in real titles and abstracts): a query matches a few hundred items, not all of them."""
    rng = random.Random(11)
    filler = [f"{a}{b}{c}" for a in ("ka", "le", "mi", "no", "pu", "ra", "se", "ti", "vo", "zu")
              for b in ("ber", "dan", "gel", "hor", "lin", "mas", "pek", "ros", "tun", "yaz")
              for c in ("a", "e", "i", "o", "u", "ar", "er", "ir", "or", "ur", "am", "em", "im", "om", "um",
                        "an", "en", "in", "on", "un")]
    with psycopg.connect(settings.database_url_for("archive"), options="-c search_path=archive") as conn:
        with conn.cursor().copy("COPY items (type, title, description, language, topics, visibility, status, "
                                "created_by) FROM STDIN") as copy:
            for n in range(items):
                turkish = n % 2 == 0
                own = WORDS_TR if turkish else WORDS_EN

                def words(count):
                    return " ".join(rng.choice(own) if rng.random() < 0.03 else rng.choice(filler) for _ in range(count))
                language = "tr" if turkish else "en"
                copy.write_row(("publication", json.dumps({language: words(5)}), json.dumps({language: words(40)}),
                                language, "{civil_society}", ("public", "members", "participants")[n % 3],
                                "published", "bench"))
        conn.commit()
    analyze(settings, "archive.items")


QUERIES = ["örgütlerin dayanışması", "gönüllüler", "governance", "volunteers"]


def search(settings, port: int, seconds: float, items: int) -> list[tuple]:
    """The API and plain psycopg run the same search (same visibility condition, same ranking) for
    the same member, rotating through the same queries."""
    member = Principal(subject=str(uuid.uuid4()), roles=frozenset({"member"}), member_of=frozenset({str(uuid.uuid4())}))
    token = TokenIssuer(settings).issue(member.subject, roles=("member",), member_of=tuple(member.member_of))
    auth = {"Authorization": f"Bearer {token}"}
    ours = load(port, lambda n: ("GET", f"/items?limit=20&q={requests.utils.quote(QUERIES[n % len(QUERIES)])}",
                                 auth, b""), connections=16, seconds=seconds, warmup=1)
    visibility, named = queries.visibility_condition(access.findable(member))
    rank = f"ts_rank(search, {queries.SEARCH})::float8"
    sql = (f"SELECT *, {rank} AS rank FROM items WHERE {visibility} AND search @@ {queries.SEARCH} "
           "ORDER BY rank DESC, id LIMIT 21")
    pool = ConnectionPool(settings.database_url_for("archive"), min_size=16, max_size=16,
                          kwargs={"options": "-c search_path=archive"}, open=True)
    raw = _rotating_queries(pool, sql, [{**named, "q": q} for q in QUERIES], threads=16, seconds=seconds)
    with pool.connection() as conn:
        matches = [conn.execute(f"SELECT count(*) FROM items WHERE search @@ {queries.SEARCH}", {"q": q}).fetchone()[0]
                   for q in QUERIES]
    pool.close()
    return [(f"search {items:,} items: req/s · p50 · p99", f"{ours.rate:,.0f} · {ms(ours.percentile(50))} · "
             f"{ms(ours.percentile(99))}", f"{raw.rate:,.0f} · {ms(raw.percentile(50))} · {ms(raw.percentile(99))}",
             f"{ours.rate / raw.rate:.2f}", "", ""),
            ("items matched per query", " / ".join(map(str, matches)), "", "", "", "")]


def _rotating_queries(pool, sql: str, arguments: list, threads: int, seconds: float) -> Load:
    deadline = time.perf_counter() + seconds

    def worker(offset):
        latencies, n = [], offset
        with pool.connection() as conn:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                conn.execute(sql, arguments[n % len(arguments)]).fetchall()
                conn.commit()
                latencies.append(time.perf_counter() - began)
                n += 1
        return latencies

    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as executor:
        latencies = [x for part in executor.map(worker, range(threads)) for x in part]
    return Load(requests=len(latencies), seconds=time.perf_counter() - began, latencies=latencies)


def run(quick: bool, items: int, megabytes: int, seconds: float) -> list[tuple]:
    if quick:
        items, megabytes, seconds = 2000, 20, 1.0
    with bench_settings("archive") as base, tempfile.TemporaryDirectory() as directory:
        settings = base.replace(archive_dir=directory)
        migrate(settings, "archive", archive.SERVICE.migrations)
        print(f"loading {items:,} items…", flush=True)
        began = time.perf_counter()
        fill(settings, items)
        rows = [("load (COPY) time", f"{time.perf_counter() - began:.1f} s", "", "", "", "")]
        port = free_port()
        with server(["-m", "shared.cli", "serve", "archive", "--bind", "127.0.0.1", "--port", str(port),
                     "--workers", "2", "--threads", "8"], settings, port):
            print("measuring uploads and downloads…", flush=True)
            rows += files(settings, port, megabytes)
            print("measuring search…", flush=True)
            rows += search(settings, port, seconds, items)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--file-mb", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = run(args.quick, args.items, args.file_mb, args.seconds)
    print_table("Birlikte archive — gunicorn 2 × 8, local storage; one 2-core machine for everything", rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
