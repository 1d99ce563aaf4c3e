"""The sign-in email benchmark, run tiny (--quick): every latency is measured and positive, with
and without the fan-out and for the raw smtplib floor; every sign-in was answered and its email
arrived; some were measured while the fan-out was still sending; the run's database is gone
afterwards. Timings are not asserted: the machine is shared and noisy; the figures are for reading."""
from __future__ import annotations

import json
import math

from tests.e2e.benchmarks.support import assert_database_dropped, run_quick

LATENCIES = [f"sign-in email latency, {phase} (" for phase in ("no fan-out", "during a 300-recipient fan-out")]
CHECKS = ("sign-ins answered 303", "sign-in emails arrived", "sign-ins measured during the fan-out")


def test_sign_in_benchmark_quick_run_measures_latency_with_and_without_a_fan_out(infra, tmp_path):
    out = tmp_path / "sign_in.json"
    result = run_quick(infra, ["benchmarks.sign_in", "--quick", "--json", str(out)], timeout=300)

    figures = json.loads(out.read_text())["figures"]
    names = [f["figure"] for f in figures]
    for phase in LATENCIES:
        for statistic in ("p50", "p95", "max"):
            found = [f for f in figures if f["figure"].startswith(phase) and f["figure"].endswith(statistic)]
            assert len(found) == 1, f"no figure {phase}…{statistic} in {names}"
            for side in ("ours", "raw"):
                value = found[0][side]
                assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (side, found[0])
            assert found[0]["ratio"] > 0, found[0]
    fan_out = next(f for f in figures if f["figure"].startswith("fan-out: 300 emails accepted"))
    assert fan_out["ours"] > 0
    for expected in CHECKS:
        [check] = [f for f in figures if f["figure"].startswith(expected)]
        assert check["met"] is True, check
    answered = next(f for f in figures if f["figure"].startswith("sign-ins answered 303"))
    assert answered["ours"] == 2 * 5 and answered["raw"] == 0  # 5 without, 5 during; none refused

    table = result.stdout[result.stdout.index("figure  "):]
    for name in names:
        assert name in table, f"{name!r} missing from the printed table"

    assert_database_dropped(infra, result.stdout)
