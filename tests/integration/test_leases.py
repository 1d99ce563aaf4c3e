"""Due work shared by several workers (shared/leases.py), against the real database: each row in
one worker's hands at a time, a dead worker's claim taken over after its lease, and a worker that
lost its claim unable to settle it."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from shared import leases
from shared.db import open_pool
from shared.migrations import migrate

SERVICE = "leasetest"
JOBS = leases.Due("jobs", when="status = 'pending' AND due_at <= now()", order="due_at, id",
                  claim="status = 'working', attempts = attempts + 1", claimed="status = 'working'",
                  eligible="NOT paused")


@pytest.fixture(scope="module")
def pool(settings, tmp_path_factory):
    directory = tmp_path_factory.mktemp("leasetest")
    (Path(directory) / "0001_jobs.sql").write_text(
        "CREATE TABLE jobs (id serial PRIMARY KEY, status text NOT NULL DEFAULT 'pending', "
        "due_at timestamptz NOT NULL DEFAULT now(), paused boolean NOT NULL DEFAULT false, "
        "attempts integer NOT NULL DEFAULT 0, claimed_at timestamptz)")
    migrate(settings, SERVICE, directory)
    opened = open_pool(settings, SERVICE, min_size=1, max_size=6)
    yield opened
    opened.close()


@pytest.fixture
def jobs(pool):
    def make(count: int, **values) -> list[int]:
        with pool.connection() as conn:
            conn.execute("DELETE FROM jobs")
            columns = ", ".join(values) or "status"
            marks = ", ".join(["%s"] * len(values)) or "'pending'"
            return [conn.execute(f"INSERT INTO jobs ({columns}) VALUES ({marks}) RETURNING id",  # noqa: S608
                                 list(values.values())).fetchone()["id"] for _ in range(count)]
    return make


def _claim(pool, limit: int, lease: float = 60.0) -> list[dict]:
    with pool.connection() as conn:
        return leases.claim(conn, JOBS, limit, lease)


def test_two_workers_claim_different_rows_and_nothing_twice(pool, jobs):
    ids = jobs(10)
    first, second = _claim(pool, 6), _claim(pool, 6)
    assert len(first) == 6 and len(second) == 4
    assert sorted(r["id"] for r in first + second) == ids
    assert {r["status"] for r in first + second} == {"working"} and {r["attempts"] for r in first} == {1}
    assert _claim(pool, 6) == []  # every claim is live


def test_a_claim_older_than_its_lease_is_taken_over_and_the_old_holder_can_neither_renew_nor_settle(pool, jobs):
    jobs(1)
    [dead] = _claim(pool, 5)
    assert _claim(pool, 5, lease=60.0) == []
    with pool.connection() as conn:
        conn.execute("UPDATE jobs SET claimed_at = now() - interval '2 minutes'")
    [taken] = _claim(pool, 5, lease=60.0)
    assert taken["id"] == dead["id"] and taken["attempts"] == 2
    with pool.connection() as conn:
        assert not leases.renew(conn, JOBS, dict(dead))
        assert not leases.hold(conn, JOBS, dead)
        assert leases.renew(conn, JOBS, taken)  # the new holder's lease starts again
        assert leases.hold(conn, JOBS, taken)


def test_a_row_that_is_not_eligible_is_claimed_neither_when_due_nor_when_its_claim_expired(pool, jobs):
    jobs(2, paused=True)
    assert _claim(pool, 5) == []
    with pool.connection() as conn:
        conn.execute("UPDATE jobs SET status = 'working', claimed_at = now() - interval '1 hour'")
    assert _claim(pool, 5) == []


def test_rows_not_yet_due_wait(pool, jobs):
    jobs(3, due_at="2999-01-01T00:00:00Z")
    assert _claim(pool, 5) == []


def test_draining_with_a_lease_hands_over_committed_claims_a_batch_at_a_time(pool, jobs):
    jobs(7)
    batches = []

    def handle(rows):
        with pool.connection() as conn:  # another connection sees the claim: it was committed
            seen = conn.execute("SELECT count(*) AS n FROM jobs WHERE id = ANY(%s) AND status = 'working'",
                                ([r["id"] for r in rows],)).fetchone()["n"]
            conn.execute("UPDATE jobs SET status = 'done' WHERE id = ANY(%s)", ([r["id"] for r in rows],))
        batches.append(seen)
        return len(rows)
    assert leases.drain(pool, JOBS, handle, batch=3, lease_seconds=60) == 7
    assert batches == [3, 3, 1]


def test_draining_in_a_transaction_by_several_workers_at_once_handles_each_row_once(pool, jobs):
    ids = jobs(200)
    handled, lock, start = [], threading.Lock(), threading.Barrier(4)

    def handle(cur, rows):
        cur.execute("UPDATE jobs SET status = 'done' WHERE id = ANY(%s)", ([r["id"] for r in rows],))
        with lock:
            handled.extend(r["id"] for r in rows)
        return len(rows)

    def work():
        start.wait()
        leases.drain(pool, JOBS, handle, batch=7)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(handled) == ids
