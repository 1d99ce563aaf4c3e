"""Idempotency-Key: concurrent duplicates create once; one that arrives while the first is in flight
is a 409 at once (the IETF draft), and its retry gets the first's answer; the key is scoped to the
caller and bound to the request it was first used with."""
from __future__ import annotations

import json
import threading
import time
import uuid

import psycopg
import requests

from tests.integration.http.conftest import SERVICE, PROBLEM, assert_problem, count, notes_with
from tests.support.identity import Served
from tests.support.registry import organization_body
from tests.support.smtp import free_port


def race(app, path: str, body: dict, headers: dict, threads: int = 8) -> list:
    """POST the same request from `threads` threads released at once; the responses."""
    answers, barrier = [], threading.Barrier(threads)

    def post():
        client = app.test_client()
        barrier.wait()
        answers.append(client.post(path, json=body, headers=headers))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert len(answers) == threads
    return answers


def assert_in_progress(answer) -> None:
    """The draft's answer to a duplicate of a request still in flight."""
    assert answer.status_code == 409 and answer.content_type == PROBLEM
    assert answer.get_json()["title"] == "Request in progress" and answer.headers["Retry-After"] == "1"


def test_concurrent_duplicates_with_one_key_create_one_row_and_answer_alike(app, client, tokens, http_settings):
    text = f"once-{uuid.uuid4().hex}"
    headers = {**tokens.coordinator(), "Idempotency-Key": f"key-{text}"}
    answers = race(app, "/notes", {"text": text}, headers)
    assert notes_with(http_settings, text) == 1
    assert {a.status_code for a in answers} <= {201, 409}
    for waiting in (a for a in answers if a.status_code == 409):  # arrived while the first was in flight
        assert_in_progress(waiting)
    answers = [a for a in answers if a.status_code == 201] + [client.post("/notes", json={"text": text},
                                                                          headers=headers)]
    assert len({a.get_data() for a in answers}) == 1  # byte for byte
    assert len({(a.headers["Location"], a.headers["ETag"]) for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == [""] + ["true"] * (len(answers) - 1)
    assert {a.content_type for a in answers} == {"application/json"}
    assert count(http_settings, f"SELECT count(*) FROM {SERVICE}.idempotency_keys WHERE key = %s",
                 f"key-{text}") == 1


def test_a_duplicate_while_the_first_is_in_flight_is_a_409_at_once_and_its_retry_replays(app, tokens, http_settings):
    """The first request is held inside its transaction (its INSERT waits for a table lock taken
    here); the duplicate sent meanwhile does not wait for it."""
    text = f"held-{uuid.uuid4().hex}"
    headers = {**tokens.coordinator(), "Idempotency-Key": uuid.uuid4().hex}
    first: list = []
    with Served(app, free_port()) as served, psycopg.connect(http_settings.database_url) as holder:
        holder.execute(f"LOCK TABLE {SERVICE}.notes IN EXCLUSIVE MODE")
        sender = threading.Thread(target=lambda: first.append(
            requests.post(f"{served.url}/notes", json={"text": text}, headers=headers, timeout=30)))
        sender.start()
        wait_for_a_request_held_by(holder)
        started = time.monotonic()
        duplicate = requests.post(f"{served.url}/notes", json={"text": text}, headers=headers, timeout=30)
        waited = time.monotonic() - started
        holder.rollback()  # the first request goes on
        sender.join(timeout=30)
        retried = requests.post(f"{served.url}/notes", json={"text": text}, headers=headers, timeout=30)
    assert duplicate.status_code == 409 and waited < 5
    assert duplicate.headers["Content-Type"] == PROBLEM and duplicate.headers["Retry-After"] == "1"
    assert duplicate.json()["title"] == "Request in progress"
    assert first[0].status_code == 201 and "Idempotent-Replayed" not in first[0].headers
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    assert retried.content == first[0].content
    assert notes_with(http_settings, text) == 1


def wait_for_a_request_held_by(holder) -> None:
    """Until a request waits for the lock `holder` holds (it has taken its key's advisory lock by then)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = holder.execute("SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                               (holder.info.backend_pid,)).fetchone()[0]
        if found:
            return
        time.sleep(0.05)
    raise AssertionError("the first request never reached its INSERT")


def test_the_same_key_with_another_body_is_a_422(client, tokens, http_settings):
    text = f"first-{uuid.uuid4().hex}"
    headers = {**tokens.coordinator(), "Idempotency-Key": uuid.uuid4().hex}
    assert client.post("/notes", json={"text": text}, headers=headers).status_code == 201
    body = assert_problem(client.post("/notes", json={"text": text + "-changed"}, headers=headers), 422)
    assert "Idempotency-Key" in body["title"]
    assert notes_with(http_settings, text + "-changed") == 0
    replay = client.post("/notes", json={"text": text}, headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"


def test_a_key_belongs_to_its_caller(client, tokens, http_settings):
    text = f"mine-{uuid.uuid4().hex}"
    key = uuid.uuid4().hex
    first = client.post("/notes", json={"text": text}, headers={**tokens.coordinator(), "Idempotency-Key": key})
    second = client.post("/notes", json={"text": text}, headers={**tokens.coordinator(), "Idempotency-Key": key})
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second.headers
    assert first.get_json()["id"] != second.get_json()["id"]
    assert notes_with(http_settings, text) == 2


def test_a_request_that_failed_keeps_no_key_and_may_be_retried(client, tokens, http_settings):
    key = uuid.uuid4().hex
    headers = {**tokens.coordinator(), "Idempotency-Key": key}
    assert client.post("/notes", json={"text": "x"}, headers={"Idempotency-Key": key}).status_code == 401
    assert count(http_settings, f"SELECT count(*) FROM {SERVICE}.idempotency_keys WHERE key = %s", key) == 0
    assert client.post("/notes", json={"text": "x"}, headers=headers).status_code == 201


def test_an_oversized_key_is_a_400(client, tokens):
    body = assert_problem(
        client.post("/notes", json={"text": "x"}, headers={**tokens.coordinator(), "Idempotency-Key": "k" * 256}), 400)
    assert "Idempotency-Key" in body["title"]


def test_concurrent_duplicates_on_a_real_service_create_one_organization(registry_client, tokens, settings):
    """The registry's POST /organizations, which also writes an outbox message: once, too."""
    app = registry_client.application
    body = organization_body()
    headers = {**tokens.coordinator(), "Idempotency-Key": uuid.uuid4().hex}
    answers = race(app, "/organizations", body, headers, threads=4)
    assert {a.status_code for a in answers} <= {201, 409}
    for waiting in (a for a in answers if a.status_code == 409):
        assert_in_progress(waiting)
    answers = [a for a in answers if a.status_code == 201] + [registry_client.post("/organizations", json=body,
                                                                                   headers=headers)]
    assert len({json.dumps(a.get_json(), sort_keys=True) for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == len(answers) - 1
    created = answers[0].get_json()["id"]
    assert count(settings, "SELECT count(*) FROM registry.organizations WHERE name = %s", body["name"]) == 1
    assert count(settings, "SELECT count(*) FROM registry.outbox WHERE envelope->>'subject' = %s", created) == 1
