"""The events benchmark, run tiny (--quick): every figure is measured and positive, and the
correctness checks held (no event over capacity, counters match the rows, first come first
served, contiguous waitlist positions, no failed response). Timings are not asserted: the
machine is shared and noisy; the figures are for reading."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from shared.config import Settings
from tests.support.environment import as_environment

ROOT = Path(__file__).resolve().parents[3]


def test_events_benchmark_quick_run_measures_every_figure_and_keeps_capacity(infra, tmp_path):
    out = tmp_path / "events.json"
    env = as_environment(Settings(database_url=infra.database_url, broker_url=infra.broker_url))
    result = subprocess.run([sys.executable, "-m", "benchmarks.events", "--quick", "--json", str(out)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "NOTE:" in result.stdout and "noisy" in result.stdout
    assert "dropped database birlikte_bench_events_" in result.stdout

    rows = json.loads(out.read_text())
    figures = [r for r in rows if r["unit"] not in ("check", "plan", "note")]
    checks = {r["figure"]: r for r in rows if r["unit"] == "check"}
    names = " | ".join(r["figure"] for r in figures)
    for part in ("load:", "GET /events, first page: requests/s", "GET /events, deep page: p99 ms",
                 "GET /events?kind=information_session, deep page: requests/s", "deep ÷ first",
                 "registrations/s", "registrations, 32 racing: p50 ms"):
        assert part in names, f"no figure {part!r} in {names}"
    for row in figures:
        for side in ("ours", "raw"):
            value = row[side]
            if side == "raw" and row["figure"].startswith("load:"):
                assert value is None  # loading has no baseline
                continue
            assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (side, row)
        if row["raw"] is not None:
            assert row["ratio"] > 0, row

    over = next(r for name, r in checks.items() if name.startswith("events over capacity"))
    assert over["ours"] == 0 and over["held"] == "yes"
    assert all(r["held"] == "yes" for r in checks.values()), [r for r in checks.values() if r["held"] != "yes"]
    for name in ("seat counters = the rows", "seats first come first served", "waitlist positions the API gave",
                 "registration failed responses", "listing failed responses", "API pages = the SQL's pages"):
        assert any(n.startswith(name) for n in checks), f"no check {name!r}"
