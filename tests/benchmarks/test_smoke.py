"""Each benchmark runs (tiny counts), prints its table and keeps its correctness invariants.
Timings are not asserted: these machines are shared and noisy; the figures are for reading."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.environment import as_environment

CORRECTNESS = ("unmarked", "over capacity", "failures", "delivered", "failed responses")


@pytest.mark.parametrize("suite", ["backbone", "events", "notifications", "archive"])
def test_benchmark_runs_and_keeps_its_invariants(suite, settings, tmp_path):
    out = tmp_path / f"{suite}.json"
    env = {**os.environ, **as_environment(settings)}
    result = subprocess.run([sys.executable, "-m", f"benchmarks.{suite}", "--quick", "--json", str(out)], env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "figure" in result.stdout and "Traceback" not in result.stderr
    rows = json.loads(out.read_text())
    assert rows, "no figures"
    for row in rows if isinstance(rows, list) else []:
        values = list(row.values()) if isinstance(row, dict) else row
        figure, ours, raw = values[0], values[1], values[2]
        assert str(ours).strip() or str(raw).strip(), f"{figure}: no figure measured"
        if any(word in figure for word in CORRECTNESS):
            assert values[-1] == "yes", f"{figure}: {values}"
