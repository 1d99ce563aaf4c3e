"""The partner-sync benchmark, run tiny (--quick): every figure is measured and positive, every
correctness check held (full walks complete, in order, once each; the poll always a 304; no
failed response) and the run's database is gone afterwards. Timings are not asserted: the
machine is shared and noisy; the figures are for reading."""
from __future__ import annotations

import json
import math

from tests.e2e.benchmarks.support import assert_database_dropped, run_quick

MEASURED_UNITS = ("req/s", "changes/s", "ms", "×", "buffers")
FIGURES = [f"GET /feed as {caller}, {depth}{what}"
           for caller in ("partner", "coordinator") for depth in ("first page", "deep page")
           for what in (": req/s", " (", ": p50", ": p99")] + [
    "feed plan as partner: shared buffers", "feed plan as coordinator: shared buffers",
    "feed walk as partner: all", "feed walk as coordinator: all",
    "GET /calendars/public.ics (200 events), GET without If-None-Match (200, cached): req/s",
    "GET /calendars/public.ics (200 events), GET without If-None-Match (200, cached): p50",
    "GET /calendars/public.ics (200 events), If-None-Match poll (304): req/s",
    "GET /calendars/public.ics (200 events), If-None-Match poll (304): p50",
    "GET /calendars/public.ics (200 events), render after a change, 1 client",
    "iCalendar, 1 client: a render after a change costs N polls"]
CHECKS = ("seeded changes: distinct transactions", "GET /feed pages = the SQL's pages",
          "feed walk as partner: changes returned", "feed walk as coordinator: changes returned",
          "GET /feed under load: failed responses", "iCalendar poll answered 304 every time",
          "iCalendar under load: failed responses")


def test_feeds_benchmark_quick_run_measures_every_figure_and_cleans_up(infra, tmp_path):
    out = tmp_path / "feeds.json"
    result = run_quick(infra, ["benchmarks.feeds", "--quick", "--json", str(out)], timeout=120)

    figures = json.loads(out.read_text())["figures"]
    names = [f["figure"] for f in figures]
    for expected in FIGURES:
        assert any(name.startswith(expected) for name in names), f"no figure {expected!r} in {names}"
    for expected in CHECKS:
        assert any(name.startswith(expected) and f["met"] is not None for name, f in zip(names, figures)), \
            f"no check {expected!r}"
    for figure in figures:
        if figure["unit"] in MEASURED_UNITS:
            for side in ("ours", "raw"):
                value = figure[side]
                assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (side, figure)
            assert figure["ratio"] > 0, figure
        if figure["met"] is not None:
            assert figure["met"] is True, figure
    walks = [f for f in figures if f["figure"].startswith("feed walk") and f["unit"] == "count"]
    assert all(f["ours"] == f["raw"] == int(f["target"].replace(",", "")) for f in walks), walks

    table = result.stdout[result.stdout.index("figure  "):]
    for name in names:
        assert name in table, f"{name!r} missing from the printed table"

    assert_database_dropped(infra, result.stdout)
