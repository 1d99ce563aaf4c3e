"""Run every benchmark in turn: python -m benchmarks [--quick]"""
from __future__ import annotations

import subprocess
import sys

SUITES = ("backbone", "events", "notifications", "archive")

if __name__ == "__main__":
    extra = sys.argv[1:]
    failed = [name for name in SUITES
              if subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *extra]) != 0]
    sys.exit(1 if failed else 0)
