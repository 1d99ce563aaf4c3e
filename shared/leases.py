"""Work that comes due in a table's rows — emails to send, webhooks to deliver, feeds to fetch,
reminders to fire, events to complete — shared by any number of workers, each row in the hands
of one worker at a time.

Two ways to hold due rows:
- taken (`drain` without a lease): locked with FOR UPDATE SKIP LOCKED for one transaction, in
  which the work is done. For work that is only database writes.
- claimed (`drain` with a lease): marked as claimed (`claimed_at`, plus the table's own marks such
  as `status = 'sending'`) and committed at once, so that the work can leave the database (SMTP,
  HTTP) without holding a transaction open. A claim older than its lease belongs to a worker that
  died, and is claimed again. Before each piece of outside work a worker renews its claim, and it
  settles only a row it still holds (`renew` and `hold`, fenced on the `claimed_at` it holds): a
  worker that was too slow, and lost its rows to another, does nothing more with them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from psycopg import sql


@dataclass(frozen=True)
class Due:
    table: str
    when: str                                # SQL: the row is due (and not held)
    order: str                               # SQL: which due rows go first
    claim: str = ""                          # SQL assignments that mark a claimed row, e.g. "status = 'sending'"
    claimed: str = "claimed_at IS NOT NULL"  # SQL: the row is held by a claim, live or expired
    eligible: str = "TRUE"                   # SQL: the row may be worked on at all (due, or taken over)


def take(cur, due: Due, limit: int) -> list[dict]:
    """Up to `limit` due rows, locked for the caller's transaction (others skip them)."""
    cur.execute(sql.SQL("SELECT * FROM {} WHERE ({}) AND ({}) ORDER BY {} LIMIT %s FOR UPDATE SKIP LOCKED").format(
        sql.Identifier(due.table), sql.SQL(due.when), sql.SQL(due.eligible), sql.SQL(due.order)), (limit,))
    return cur.fetchall()


def claim(conn, due: Due, limit: int, lease_seconds: float) -> list[dict]:
    """Claim up to `limit` rows: first those whose claim outlived its lease, then those due; the
    caller commits at once, so that other workers see the claims. (Two statements rather than an
    OR, so that each can walk its own index in order.)"""
    expired = f"({due.claimed}) AND claimed_at < now() - make_interval(secs => %(lease)s)"
    rows = _claim(conn, due, expired, {"lease": lease_seconds, "limit": limit})
    if len(rows) < limit:
        rows += _claim(conn, due, due.when, {"limit": limit - len(rows)})
    return rows


def _claim(conn, due: Due, which: str, params: dict) -> list[dict]:
    marks = sql.SQL(", " + due.claim if due.claim else "")
    query = sql.SQL(
        """UPDATE {table} SET claimed_at = clock_timestamp(){marks}
           WHERE id IN (SELECT id FROM {table} WHERE ({which}) AND ({eligible})
                        ORDER BY {order} LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
           RETURNING *""").format(table=sql.Identifier(due.table), marks=marks, which=sql.SQL(which),
                                  eligible=sql.SQL(due.eligible), order=sql.SQL(due.order))
    return conn.execute(query, params).fetchall()


def renew(conn, due: Due, row: dict) -> bool:
    """Start the row's lease again, just before outside work; False when the claim is no longer
    this worker's (taken over after the lease, or reset meanwhile)."""
    renewed = conn.execute(sql.SQL(
        "UPDATE {} SET claimed_at = clock_timestamp() WHERE id = %s AND claimed_at = %s AND ({}) RETURNING claimed_at"
    ).format(sql.Identifier(due.table), sql.SQL(due.claimed)), (row["id"], row["claimed_at"])).fetchone()
    if renewed is None:
        return False
    row["claimed_at"] = renewed["claimed_at"]
    return True


def hold(conn, due: Due, row: dict, *, skip_locked: bool = False) -> bool:
    """Inside the transaction that settles a claimed row: lock it if the claim is still this
    worker's; False (and nothing to settle) when it is not. With `skip_locked`, for a lock kept
    through the outside work itself (which `claim` then skips, live lease or not): a row locked by
    another transaction is another worker's, and is not waited for."""
    lock = sql.SQL("FOR UPDATE SKIP LOCKED" if skip_locked else "FOR UPDATE")
    return conn.execute(sql.SQL("SELECT 1 FROM {} WHERE id = %s AND claimed_at = %s AND ({}) {}").format(
        sql.Identifier(due.table), sql.SQL(due.claimed), lock), (row["id"], row["claimed_at"])).fetchone() is not None


def drain(pool, due: Due, handle: Callable[..., int], *, batch: int, lease_seconds: float | None = None) -> int:
    """Work through the due rows a batch at a time, until a batch comes back short; the sum of
    what `handle` returned. Without a lease, `handle(cur, rows)` runs in the transaction that took
    them; with one, `handle(rows)` runs after the claim committed."""
    total = 0
    while True:
        if lease_seconds is None:
            with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                rows = take(cur, due, batch)
                total += handle(cur, rows) if rows else 0
        else:
            with pool.connection() as conn:
                rows = claim(conn, due, batch, lease_seconds)
            total += handle(rows) if rows else 0
        if len(rows) < batch:
            return total
