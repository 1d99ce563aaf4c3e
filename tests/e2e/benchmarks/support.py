"""What the benchmark smoke tests share: running a suite tiny, and checking that it left nothing."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg

from shared.config import Settings
from tests.support.environment import as_environment

ROOT = Path(__file__).resolve().parents[3]


def run_quick(infra, args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """`python -m <args>` against this machine's PostgreSQL and RabbitMQ; it must exit 0 cleanly."""
    env = as_environment(Settings(database_url=infra.database_url, broker_url=infra.broker_url))
    result = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


def assert_database_dropped(infra, stdout: str) -> str:
    """The run's own database and roles (birlikte_bench_<tag>) are gone; returns the tag."""
    tag = re.search(r"database birlikte_bench_([0-9a-f]{8})", stdout).group(1)
    assert f"cleaned up: dropped database birlikte_bench_{tag}" in stdout
    with psycopg.connect(infra.database_url, autocommit=True) as conn:
        assert not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (f"birlikte_bench_{tag}",)).fetchone()
        assert not conn.execute("SELECT 1 FROM pg_roles WHERE rolname LIKE %s", (f"birlikte_bench_{tag}_%",)).fetchone()
    return tag
