"""Run the benchmark suites in turn, each in a process of its own.

    python -m benchmarks [--suite backbone] [--quick] [--json results.json] [suite options…]

Without --suite every suite runs (backbone, events, feeds, notifications, archive). Options this runner
does not know are handed to the suites, so they need --suite: e.g.
`python -m benchmarks --suite backbone --seconds 10 --messages 50000`
(`python -m benchmarks.backbone --help` lists the backbone's). --json gathers every suite's own
JSON into one file: {"suites": {"backbone": {...}, ...}, "failed": [...]}. The exit status is 1
only when a suite could not run; a missed target is a finding, printed in its table.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SUITES = ("backbone", "events", "feeds", "notifications", "archive", "sign_in", "program")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", action="append", choices=SUITES,
                        help="a suite to run (repeatable); default: all of them")
    parser.add_argument("--quick", action="store_true", help="a short smoke run of each suite")
    parser.add_argument("--json", help="write every suite's results to this file")
    args, forwarded = parser.parse_known_args(argv)
    if forwarded and not args.suite:
        parser.error(f"{' '.join(forwarded)}: suite options need --suite (each suite has its own; "
                     "see python -m benchmarks.<suite> --help)")
    results, failed = {}, []
    with tempfile.TemporaryDirectory() as directory:
        for name in args.suite or SUITES:
            command = [sys.executable, "-m", f"benchmarks.{name}", *(["--quick"] if args.quick else []), *forwarded]
            out = Path(directory) / f"{name}.json"
            if args.json:
                command += ["--json", str(out)]
            print(f"\n=== {name} ===", flush=True)
            if subprocess.call(command) != 0:
                failed.append(name)
            elif args.json and out.exists():
                results[name] = json.loads(out.read_text())
    if args.json:
        Path(args.json).write_text(json.dumps({"suites": results, "failed": failed}, ensure_ascii=False, indent=2))
    if failed:
        print(f"\nsuites that could not run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
