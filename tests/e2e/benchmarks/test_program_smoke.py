"""The program page benchmark, run tiny (--quick): the web app's GET /, the events API call behind
it and the same SELECT in plain psycopg are each measured and positive, signed out and signed in
(through the registry's real sign-in); the page lists the API's events, the API's page is the
SQL's, no response failed; the run's database is gone afterwards. Timings are not asserted: the
machine is shared and noisy; the figures are for reading."""
from __future__ import annotations

import json
import math

from tests.e2e.benchmarks.support import assert_database_dropped, run_quick

READERS = ("signed out", "signed in")
FIGURES = ("GET / (program page) {}: pages/s vs GET /events", "GET / (program page) {}: pages/s vs the SELECT",
           "GET /events?limit=20&from=… {}: requests/s vs the SELECT", "GET / (program page) {}: p50",
           "GET / (program page) {}: p99", "GET /events?limit=20&from=… {}: p50", "GET /events?limit=20&from=… {}: p99")
CHECKS = ("GET / {}: events on the page = the API's page", "GET /events {}: the API's page = the SQL's rows",
          "GET / {}: the page shows the reader signed", "{} under load: failed responses")


def _one(figures: list[dict], start: str) -> dict:
    found = [f for f in figures if f["figure"].startswith(start)]
    assert len(found) == 1, f"no single figure {start!r} in {[f['figure'] for f in figures]}"
    return found[0]


def test_program_benchmark_quick_run_measures_the_page_the_api_and_the_select(infra, tmp_path):
    out = tmp_path / "program.json"
    result = run_quick(infra, ["benchmarks.program", "--quick", "--json", str(out)], timeout=300)

    figures = json.loads(out.read_text())["figures"]
    for reader in READERS:
        for template in FIGURES:
            figure = _one(figures, template.format(reader))
            for side in ("ours", "raw"):
                value = figure[side]
                assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (side, figure)
            assert figure["ratio"] > 0, figure
        for template in CHECKS:
            assert _one(figures, template.format(reader))["met"] is True
        listed = _one(figures, f"GET / {reader}: events on the page")
        assert listed["ours"] > 0, listed  # the demo program has upcoming events

    table = result.stdout[result.stdout.index("figure  "):]
    for figure in figures:
        assert figure["figure"] in table, f"{figure['figure']!r} missing from the printed table"

    assert_database_dropped(infra, result.stdout)
