"""The database failing under an API (issue 14): a lock held on a table makes writes to it fail fast
with 503 and Retry-After while other reads and /healthz answer; connections the server dropped (what a
restart of PostgreSQL does) are found by the pool, not by requests; a database that does not answer
at all is a 503, never a generic 500 after 30 s."""
from __future__ import annotations

import threading
import time

import psycopg
from psycopg_pool import ConnectionPool

from shared.db import open_pool
from tests.integration.http.conftest import SERVICE, assert_problem, make_app, notes_with
from tests.support.smtp import free_port

LOCK_TIMEOUT = 1.0


def test_writes_to_a_locked_table_fail_fast_with_503_while_health_and_other_reads_answer(http_settings, tokens):
    settings = http_settings.replace(db_lock_timeout_seconds=LOCK_TIMEOUT)
    pool = open_pool(settings, SERVICE, min_size=1, max_size=8)
    client = make_app(settings, pool).test_client()
    held, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with psycopg.connect(settings.database_url) as conn:
            conn.execute(f"LOCK TABLE {SERVICE}.notes IN ACCESS EXCLUSIVE MODE")
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        answer = client.post("/notes", json={"text": "while locked"}, headers=tokens.coordinator())
        waited = time.monotonic() - started
        body = assert_problem(answer, 503)
        assert answer.headers["Retry-After"] and "retry" in body["detail"]
        assert waited < LOCK_TIMEOUT + 3  # not the 60 s the lock is held, not a hang
        started = time.monotonic()
        assert client.get("/healthz").status_code == 200 and time.monotonic() - started < 1
        assert client.get("/readyz").status_code == 200  # the database answers; one table is busy
    finally:
        release.set()
        holder.join()
        pool.close()
    assert notes_with(http_settings, "while locked") == 0  # nothing half written


def test_connections_the_server_dropped_are_replaced_before_a_request_gets_one(http_settings, tokens):
    pool = open_pool(http_settings, SERVICE, min_size=4, max_size=4)
    client = make_app(http_settings, pool).test_client()
    assert client.get("/notes", headers=tokens.coordinator()).status_code == 200
    role = http_settings.role_for(SERVICE)
    with psycopg.connect(http_settings.database_url, autocommit=True) as conn:  # what a restart does to them
        killed = conn.execute("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE usename = %s AND datname = current_database() AND pid <> pg_backend_pid()) t",
                              (role,)).fetchone()[0]
    assert killed >= 4
    try:
        statuses = [client.get("/notes", headers=tokens.coordinator()).status_code for _ in range(12)]
    finally:
        pool.close()
    assert statuses == [200] * 12


def test_a_database_that_does_not_answer_is_a_503_within_seconds(http_settings, tokens):
    settings = http_settings.replace(db_wait_seconds=1.0)
    nowhere = ConnectionPool(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing", min_size=0, max_size=2,
                             timeout=settings.db_wait_seconds, open=True)
    try:
        client = make_app(settings, nowhere).test_client()
        started = time.monotonic()
        body = assert_problem(client.post("/notes", json={"text": "x"}, headers=tokens.coordinator()), 503)
        assert time.monotonic() - started < 5 and "database" in body["detail"]
    finally:
        nowhere.close()
