"""Generic row operations on a service's tables (identifiers composed, values bound)."""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

from psycopg import sql

from shared.errors import BadRequest, not_found
from shared.versions import Precondition


def insert(cur, table: str, values: dict, *, skip_existing: bool = False) -> dict | None:
    """INSERT … RETURNING *; with skip_existing, None when a unique key already holds the row."""
    columns = tuple(values)
    cur.execute(_insert_query(table, columns, skip_existing), [values[c] for c in columns])
    return cur.fetchone()


@functools.lru_cache(maxsize=512)
def _insert_query(table: str, columns: tuple[str, ...], skip_existing: bool) -> sql.Composed:
    """Composed once per table and set of columns: composing costs more than the call it serves."""
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)))
    if skip_existing:
        query += sql.SQL(" ON CONFLICT DO NOTHING")
    return query + sql.SQL(" RETURNING *")


def get(cur, table: str, row_id, *, for_update: bool = False) -> dict | None:
    query = sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier(table))
    if for_update:
        query += sql.SQL(" FOR UPDATE")
    cur.execute(query, (row_id,))
    return cur.fetchone()


def load(cur, table: str, row_id, what: str, *, for_update: bool = False) -> dict:
    """The row, or NotFound naming `what`."""
    row = get(cur, table, row_id, for_update=for_update)
    if row is None:
        raise not_found(what, row_id)
    return row


def load_for_change(cur, table: str, row_id, what: str, precondition: Precondition) -> dict:
    """The row, locked, once the caller's precondition holds for its version."""
    row = load(cur, table, row_id, what, for_update=True)
    precondition.check(row["version"])
    return row


def update(cur, table: str, row_id, changes: dict) -> dict:
    """Apply `changes`, raise the version by one and return the new row."""
    assignments = [sql.SQL("{} = %s").format(sql.Identifier(c)) for c in changes]
    assignments += [sql.SQL("version = version + 1"), sql.SQL("updated_at = now()")]
    cur.execute(sql.SQL("UPDATE {} SET {} WHERE id = %s RETURNING *").format(
        sql.Identifier(table), sql.SQL(", ").join(assignments)), [*changes.values(), row_id])
    return cur.fetchone()


def changed(current: dict, changes: dict) -> dict:
    """Only the fields whose value really changes: an empty PATCH is no new version."""
    return {k: v for k, v in changes.items() if current.get(k) != v}


def keyset(order_columns: list[str], cursor_values: tuple) -> tuple[str, list]:
    """`(a, b) > (%s, %s)` for rows after the cursor in the (a, b) order."""
    if len(cursor_values) != len(order_columns):
        raise BadRequest("Invalid cursor", "This cursor belongs to another listing.",
                         errors={"cursor": ["Not a cursor of this listing."]})
    columns = ", ".join(order_columns)
    marks = ", ".join(["%s"] * len(order_columns))
    return f"({columns}) > ({marks})", list(cursor_values)


def page(cur, table: str, conditions: list[tuple[str, tuple]], order: list[str], cursor, limit: int) -> list[dict]:
    """One page in keyset order; `conditions` are (SQL with %s, params); fetches limit + 1 rows."""
    clauses, params = [], []
    for clause, values in conditions:
        clauses.append(sql.SQL(clause))
        params.extend(values)
    if cursor:
        clause, values = keyset(order, cursor)
        clauses.append(sql.SQL(clause))
        params.extend(values)
    where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(clauses) if clauses else sql.SQL("")
    cur.execute(sql.SQL("SELECT * FROM {}{} ORDER BY {} LIMIT %s").format(
        sql.Identifier(table), where, sql.SQL(", ").join(map(sql.Identifier, order))), [*params, limit + 1])
    return cur.fetchall()


_WORD = re.compile(r"[^\W_]+")  # letters and digits only: nothing to_tsquery reads as an operator


def prefix_query(text: str) -> str:
    """Words typed into a search box as a prefix tsquery: "the whe" finds "The Wheel", "kadın-eşit"
    finds "Kadın-Eşitlik" (whose parts are words of its own). "" when it has no word at all."""
    return " & ".join(f"{word}:*" for word in _WORD.findall(text))


def now() -> datetime:
    return datetime.now(timezone.utc)
