"""Schemathesis over every service's live OpenAPI document (every phase: examples, coverage, fuzzing and
stateful sequences along the links it infers), each service served as production serves it (`birlikte
serve`, gunicorn) on a database of its own holding the demo data, called anonymously, as a coordinator and
as a member of an organization: no answer is a server error, every error is a problem
(application/problem+json, its status the answer's: fuzz_checks.py), and every answer is what the document
says it is. BIRLIKTE_TEST_FUZZ_EXAMPLES sets the examples per operation (default 3, for the suite; 100 or more to hunt)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from shared.auth.tokens import TokenIssuer
from shared.cli import ops
from tests.e2e.cli.conftest import ROOT, birlikte_command, env_for
from tests.support.platform import _database, drop
from tests.support.smtp import free_port

SERVICES = ("registry", "events", "notifications", "archive")
CALLERS = ("anonymous", "coordinator", "member")
EXAMPLES = int(os.environ.get("BIRLIKTE_TEST_FUZZ_EXAMPLES", "3"))
# Left out, as they contradict the API's design: `ignored_auth` and `missing_required_header` (the document
# names one bearer scheme for all, while public reads and unsubscribe links answer without a token),
# `positive_data_acceptance` (rules no schema states: a cursor the service gave out, If-Match on a change,
# dates in order) and `negative_data_rejection` (a request without the token the document requires is
# answered on a public read; a query too long for gunicorn is its 414, which that check does not expect).
CHECKS = ("not_a_server_error,errors_are_problems,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,unsupported_method,allow_header_conformance,"
          "use_after_free,ensure_resource_availability")


@pytest.fixture(scope="module")
def platform(settings, postgres_url, tmp_path_factory):
    """The four APIs, each a `birlikte serve` of its own, on a database with the demo data loaded."""
    database = _database(postgres_url, f"birlikte_test_fuzz_{uuid.uuid4().hex[:8]}")
    fuzzed = settings.replace(database_url=database, service_database_urls={})
    list(ops.migrate_services(fuzzed))
    list(ops.load_demo(fuzzed))
    logs = tmp_path_factory.mktemp("fuzz")
    urls, processes = {}, []
    for name in SERVICES:
        port = free_port()
        with open(logs / f"{name}.log", "w") as out:
            processes.append(subprocess.Popen(
                [*birlikte_command(), "serve", name, "--bind", "127.0.0.1", "--port", str(port), "--workers", "1"],
                env=env_for(fuzzed), stdout=out, stderr=subprocess.STDOUT))
        urls[name] = f"http://127.0.0.1:{port}"
    try:
        for url in urls.values():
            _wait_for(url)
        yield fuzzed, urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(15)
        drop(postgres_url, database)


def _wait_for(url: str, timeout: float = 30) -> None:
    host, port = url.removeprefix("http://").split(":")
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not start listening"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def callers(platform) -> dict[str, list[str]]:
    """Each kind of caller's headers: none, a coordinator's token, a demo person's as member of their organization."""
    fuzzed, _ = platform
    with psycopg.connect(fuzzed.database_url) as conn:
        person, organization = conn.execute(
            "SELECT person_id, organization_id FROM registry.memberships ORDER BY created_at LIMIT 1").fetchone()
    issuer = TokenIssuer(fuzzed)
    lifetime = 3600  # a run of many examples outlives the default five minutes
    tokens = {"coordinator": issuer.issue("fuzz-coordinator", roles=("coordinator",), lifetime=lifetime),
              "member": issuer.issue(str(person), roles=("member",), member_of=(str(organization),),
                                     lifetime=lifetime)}
    return {"anonymous": [], **{who: ["-H", f"Authorization: Bearer {token}"] for who, token in tokens.items()}}


def schemathesis_command() -> list[str]:
    script = Path(sys.executable).with_name("st")
    return [str(script)] if script.exists() else [sys.executable, "-m", "schemathesis.cli"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("service", SERVICES)
def test_no_server_error_and_every_error_a_problem(service, caller, platform, callers, tmp_path):
    _, urls = platform
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCHEMATHESIS_HOOKS": "tests.e2e.http.fuzz_checks"}
    # from an empty directory: no schemathesis.toml of anyone's, its reports and example database go with the test
    result = subprocess.run(
        [*schemathesis_command(), "run", f"{urls[service]}/openapi.json", *callers[caller], "--checks", CHECKS,
         "--max-examples", str(EXAMPLES), "--workers", "1", "--request-timeout", "30", "--no-color"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=3000)
    assert result.returncode == 0, result.stdout[-30000:] + result.stderr[-3000:]
    summary = result.stdout[result.stdout.index("SUMMARY"):]
    print(summary)  # operations tested, cases generated and passed (pytest -rP shows it)
    selected, total, tested = map(int, re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", summary).groups())
    generated, passed = map(int, re.search(r"(\d+) generated, (\d+) passed", summary).groups())
    assert selected == total == tested > 0 and generated >= passed > 0
