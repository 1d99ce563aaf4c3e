"""A small service built on the shared HTTP layer, against the run's real database: endpoints
that crash, write inside the request's transaction, paginate, answer with ETags and need rights.
The registry app is here too, for the shared layer as a real service uses it."""
from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager

import psycopg
import pytest
from flask.views import MethodView
from marshmallow import Schema, fields

from services.registry.app import create_app as create_registry_app
from shared import rows
from shared.auth.flask import current_principal
from shared.errors import require
from shared.db import open_pool
from shared.http.app import create_service_app
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import decode_cursor
from shared.paging import PageArgsSchema
from shared.rows import keyset
from shared.http.problems import abort_problem
from shared.http.etag import if_match
from shared.http.resources import answer, answer_read, created
from shared.rows import changed, load, load_for_change
from shared.logging import configure_logging
from shared.migrations import migrate

SERVICE = "httptest"
PROBLEM = "application/problem+json"
METRICS_TOKEN = "httptest-scraper"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}  # what the operator's scraper sends

MIGRATION = """
CREATE TABLE notes (
    id serial PRIMARY KEY,
    text text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now());
-- unique only when the transaction commits: a write the view sees succeed whose commit fails
CREATE TABLE pairs (
    code text NOT NULL,
    CONSTRAINT pairs_code_unique UNIQUE (code) DEFERRABLE INITIALLY DEFERRED);
"""


class NoteIn(Schema):
    text = fields.String(required=True)


class NotePatch(Schema):
    text = fields.String()


class NoteOut(NoteIn):
    id = fields.Integer()
    version = fields.Integer()


class FeedArgs(Schema):
    cursor = fields.String()


def blueprint() -> Blueprint:
    blp = Blueprint("notes", __name__, url_prefix="/notes")

    @blp.route("")
    class Notes(MethodView):
        @blp.arguments(PageArgsSchema, location="query")
        def get(self, args):
            require(current_principal().is_coordinator, "Coordinators only.")
            clause, params = ("TRUE", [])
            if args.get("cursor"):
                clause, params = keyset(["id"], decode_cursor(args["cursor"]))
            cur = cursor()
            cur.execute(f"SELECT id, text FROM notes WHERE {clause} ORDER BY id LIMIT 10", params)  # noqa: S608
            return {"items": cur.fetchall()}

        @blp.arguments(NoteIn)
        @blp.response(201, NoteOut)
        @idempotent
        def post(self, data):
            current_principal()
            row = rows.insert(cursor(), "notes", {"text": data["text"]})
            return created(row, "notes.Note", note_id=row["id"])

    @blp.route("/<int:note_id>")
    class Note(MethodView):
        @blp.response(200, NoteOut)
        def get(self, note_id):
            current_principal()
            return answer_read(load(cursor(), "notes", note_id, "note"))

        @blp.arguments(NotePatch)
        @blp.response(200, NoteOut)
        def patch(self, changes, note_id):
            current_principal()
            cur = cursor()
            current = load_for_change(cur, "notes", note_id, "note", if_match())
            changes = changed(current, changes)
            return answer(rows.update(cur, "notes", note_id, changes) if changes else current)

    @blp.route("/feed")
    class Feed(MethodView):
        """A position read in Python, as a feed does (int() of the cursor's second value)."""
        @blp.arguments(FeedArgs, location="query")
        def get(self, args):
            position = decode_cursor(args["cursor"]) if args.get("cursor") else ("start", 0)
            if len(position) != 2:
                abort_problem(400, "Invalid cursor", "Use the cursor a feed page gave.",
                              errors={"cursor": ["Not a feed cursor."]})
            return {"after": int(position[1])}

    @blp.route("/crash")
    class Crash(MethodView):
        def post(self):
            cursor().execute("INSERT INTO notes (text) VALUES ('half-written')")
            raise RuntimeError("secret internal detail: password=hunter2")

    @blp.route("/refuse")
    class Refuse(MethodView):
        @blp.arguments(NoteIn)
        def post(self, data):
            cursor().execute("INSERT INTO notes (text) VALUES (%s)", (data["text"],))
            abort_problem(409, "Refused", "This endpoint writes, then refuses.")

    @blp.route("/twice")
    class Twice(MethodView):
        """Writes the same code twice: fine until COMMIT checks the deferred unique constraint."""
        @blp.arguments(NoteIn)
        @blp.response(201, NoteOut)
        @idempotent
        def post(self, data):
            current_principal()
            cur = cursor()
            cur.execute("INSERT INTO pairs (code) VALUES (%s), (%s)", (data["text"], data["text"]))
            row = rows.insert(cur, "notes", {"text": data["text"]})
            return created(row, "notes.Note", note_id=row["id"])

    return blp


@pytest.fixture(scope="session")
def http_settings(settings, tmp_path_factory):
    directory = tmp_path_factory.mktemp("httptest-migrations")
    (directory / "0001_notes.sql").write_text(MIGRATION)
    migrate(settings, SERVICE, directory)
    return settings.replace(metrics_token=METRICS_TOKEN)


@pytest.fixture(scope="session")
def http_pool(http_settings):
    pool = open_pool(http_settings, SERVICE, min_size=1, max_size=12)
    yield pool
    pool.close()


def make_app(settings, pool):
    app = create_service_app(settings, SERVICE, title="HTTP layer test", pool=pool, blueprints=(blueprint(),))
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="session")
def app(http_settings, http_pool):
    return make_app(http_settings, http_pool)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def registry_client(settings):
    pool = open_pool(settings, "registry", min_size=1, max_size=4)
    app = create_registry_app(settings, pool=pool)
    app.config["TESTING"] = True
    yield app.test_client()
    pool.close()


def count(settings, query: str, *params) -> int:
    """A count read outside any request, as the administrator: what really got committed."""
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(query, params).fetchone()[0]


def notes_with(settings, text: str) -> int:
    return count(settings, f"SELECT count(*) FROM {SERVICE}.notes WHERE text = %s", text)


def assert_problem(response, status: int) -> dict:
    """An RFC 9457 problem: the media type, the four members, the status repeated in the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@contextmanager
def json_log(settings):
    """Every log line written inside the block, parsed, as the JSON format writes them."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(settings.replace(log_format="json"), SERVICE)
    root.handlers[0].stream = stream
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines() if line.strip())
