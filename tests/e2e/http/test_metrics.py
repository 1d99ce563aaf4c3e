"""/metrics as production serves it (gunicorn, `birlikte serve`): on the API's port, only to the
operator's scraper, which sends BIRLIKTE_METRICS_TOKEN as a bearer token; no one else reads the
per-endpoint counters, and with no token configured there are none to read."""
from __future__ import annotations

import pytest
import requests

from tests.e2e.http.serving import serve

TOKEN = "scraper-7f3a1c9e2b"


def _serve(settings, log_path):
    process, port = serve(settings, log_path)
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def served(settings, tmp_path_factory):
    """The events API with a metrics token, and one without."""
    logs = tmp_path_factory.mktemp("metrics")
    with_token = _serve(settings.replace(metrics_token=TOKEN), logs / "with-token.log")
    without = _serve(settings, logs / "without-token.log")
    yield with_token[1], without[1]
    for process, _ in (with_token, without):
        process.terminate()
        process.wait(15)


def test_anonymous_and_wrong_tokens_get_no_metrics_on_the_api_port(served):
    url = f"{served[0]}/metrics"
    requests.get(f"{served[0]}/healthz", timeout=10)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {TOKEN}x"},
                    {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}):
        answer = requests.get(url, headers=headers, timeout=10)
        assert answer.status_code == 401, headers
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "http_requests_total" not in answer.text


def test_the_operators_scraper_reads_them_with_its_token(served):
    requests.get(f"{served[0]}/healthz", timeout=10)
    answer = requests.get(f"{served[0]}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    assert 'http_requests_total{endpoint="/healthz",method="GET",status="200"}' in answer.text


def test_without_a_token_configured_there_are_no_metrics_to_anyone(served):
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}"}):
        answer = requests.get(f"{served[1]}/metrics", headers=headers, timeout=10)
        assert answer.status_code == 404 and answer.headers["Content-Type"] == "application/problem+json"
        assert "http_requests_total" not in answer.text
