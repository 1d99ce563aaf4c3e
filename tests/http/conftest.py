"""A small service built on the shared HTTP layer, against the run's real database: endpoints
that crash, write inside the request's transaction, paginate and need rights."""
from __future__ import annotations

import psycopg
import pytest
from flask.views import MethodView
from marshmallow import Schema, fields

from shared.auth.flask import current_principal, require
from shared.db import open_pool
from shared.http.app import create_service_app
from shared.http.blueprint import Blueprint
from shared.http.db import cursor
from shared.http.idempotency import idempotent
from shared.http.pagination import PageArgsSchema, decode_cursor, keyset
from shared.migrations import migrate
from tests.support.tokens import Tokens

SERVICE = "httptest"


class NoteIn(Schema):
    text = fields.String(required=True)


class NoteOut(NoteIn):
    id = fields.Integer()


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
            cur = cursor()
            cur.execute("INSERT INTO notes (text) VALUES (%s) RETURNING id, text", (data["text"],))
            return cur.fetchone()

    @blp.route("/crash")
    class Crash(MethodView):
        def post(self):
            cursor().execute("INSERT INTO notes (text) VALUES ('half-written')")
            raise RuntimeError("secret internal detail: password=hunter2")

    return blp


@pytest.fixture(scope="session")
def http_settings(settings, tmp_path_factory):
    directory = tmp_path_factory.mktemp("httptest-migrations")
    (directory / "0001_notes.sql").write_text("CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL);")
    migrate(settings, SERVICE, directory)
    return settings


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
def tokens(settings) -> Tokens:
    return Tokens(settings)


def notes_with(settings, text: str) -> int:
    with psycopg.connect(settings.database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM {SERVICE}.notes WHERE text = %s", (text,)).fetchone()[0]
