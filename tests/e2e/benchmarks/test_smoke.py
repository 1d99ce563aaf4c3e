"""The benchmarks run (tiny counts), print their tables and keep their correctness checks.

Timings are not asserted: these machines are shared and noisy; the figures are for reading.
The events suite has its own, stricter smoke test (test_events_smoke.py).
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import pika
import pytest

from tests.e2e.benchmarks.support import ROOT, assert_database_dropped, run_quick
from tests.support.environment import as_environment
from tests.support.wire import pika_parameters

MEASURED_UNITS = ("req/s", "msg/s", "ms")
BACKBONE_FIGURES = ("GET /organizations/<id>: requests/s", "GET /organizations/<id>: p50", "GET /organizations/<id>: p99",
                    "POST /organizations: requests/s", "POST /organizations: p50", "POST /organizations: p99",
                    "relay: 300 outbox rows", "relay: context", "consumer: 300 messages",
                    "write → consumer committed: p50", "write → consumer committed: p99")


def test_backbone_quick_run_measures_every_figure_and_cleans_up(infra, tmp_path):
    out = tmp_path / "backbone.json"
    result = run_quick(infra, ["benchmarks", "--suite", "backbone", "--quick", "--json", str(out)], timeout=180)

    figures = json.loads(out.read_text())["suites"]["backbone"]["figures"]
    names = [f["figure"] for f in figures]
    for expected in BACKBONE_FIGURES:
        assert any(name.startswith(expected) for name in names), f"no figure {expected!r} in {names}"
    for figure in figures:
        if figure["unit"] in MEASURED_UNITS:
            for side in ("ours", "raw"):
                value = figure[side]
                assert value is None or (isinstance(value, (int, float)) and math.isfinite(value) and value > 0), figure
            assert figure["ours"] is not None, figure
            if figure["raw"] is not None:
                assert figure["ratio"] > 0, figure
        else:  # correctness checks: nothing failed, nothing left unmarked, everything delivered
            assert figure["met"] is True, figure

    table = result.stdout[result.stdout.index("figure  "):]
    assert "ours (Birlikte)" in table and "raw stack" in table and "met?" in table
    for name in names:
        assert name in table, f"{name!r} missing from the printed table"

    # Its own database, roles, exchange and queues, all gone afterwards.
    tag = assert_database_dropped(infra, result.stdout)
    with pika.BlockingConnection(pika_parameters(infra.broker_url)) as connection:
        for kind, name in (("exchange", f"birlikte.bench.{tag}"), ("queue", f"birlikte.bench.{tag}.benchsink"),
                           ("queue", f"birlikte.bench.{tag}.relay-sink")):
            channel = connection.channel()
            with pytest.raises(pika.exceptions.ChannelClosedByBroker):
                if kind == "exchange":
                    channel.exchange_declare(name, passive=True)
                else:
                    channel.queue_declare(name, passive=True)


@pytest.mark.parametrize("suite", ["notifications", "archive"])
def test_benchmark_runs_and_keeps_its_invariants(suite, settings, tmp_path):
    out = tmp_path / f"{suite}.json"
    result = subprocess.run([sys.executable, "-m", f"benchmarks.{suite}", "--quick", "--json", str(out)], cwd=ROOT,
                            env=as_environment(settings), capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "figure" in result.stdout and "Traceback" not in result.stderr
    rows = json.loads(out.read_text())
    assert rows, "no figures"
    for row in rows if isinstance(rows, list) else []:
        values = list(row.values()) if isinstance(row, dict) else row
        figure, ours, raw = values[0], values[1], values[2]
        assert str(ours).strip() or str(raw).strip(), f"{figure}: no figure measured"
        if any(word in figure for word in ("unmarked", "over capacity", "failures", "delivered", "failed responses")):
            assert values[-1] == "yes", f"{figure}: {values}"
