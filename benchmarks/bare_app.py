"""The raw-stack baseline for the registry's HTTP benchmark: Flask + a psycopg pool doing the
same SQL (the same SELECT; the same INSERT of a row and its outbox message in one transaction),
served by gunicorn with the same settings as every Birlikte service."""
from __future__ import annotations

import argparse
import json
import uuid

from flask import Flask, Response, request
from gunicorn.app.base import BaseApplication
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from shared.cli.serving import gunicorn_options
from shared.config import load_settings

COLUMNS = ("name", "kind", "country", "city", "languages", "focus_areas", "roles", "website")


def create_app(settings) -> Flask:
    app = Flask("bare")
    pool = ConnectionPool(settings.database_url_for("registry"), min_size=settings.db_pool_min,
                          max_size=settings.db_pool_max,
                          kwargs={"row_factory": dict_row, "options": "-c search_path=registry"}, open=True)

    def answer(row, status=200):
        return Response(json.dumps(row, default=str), status=status, mimetype="application/json")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/organizations/<uuid:organization_id>")
    def read(organization_id):
        with pool.connection() as conn:
            row = conn.execute("SELECT * FROM organizations WHERE id = %s", (organization_id,)).fetchone()
        return answer(row) if row else answer({"title": "not found"}, 404)

    @app.post("/organizations")
    def create():
        data = request.get_json()
        with pool.connection() as conn, conn.transaction():
            row = conn.execute(
                f"INSERT INTO organizations ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))}) "
                "RETURNING *", [data.get(c) for c in COLUMNS]).fetchone()
            message_id = str(uuid.uuid4())
            envelope = {"specversion": "1.0", "id": message_id, "source": "urn:bare", "type": "registry.organization.created",
                        "data": {k: row[k] for k in ("id", "name", "kind", "country", "status")}}
            conn.execute("INSERT INTO outbox (message_id, routing_key, envelope) VALUES (%s, %s, %s)",
                         (message_id, envelope["type"], json.dumps(envelope, default=str)))
        return answer(row, 201)

    return app


class Bare(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app(load_settings())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    Bare(gunicorn_options(load_settings(), "bare", "127.0.0.1", args.port, args.workers, args.threads)).run()
