"""The Flask application every service builds on: OpenAPI, problems, health, metrics, context."""
from __future__ import annotations

import hmac
import html
import logging
import re
import threading
import time
import uuid
from pathlib import Path

import psycopg
from flask import Flask, Response, g, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api, Blueprint
from marshmallow import INCLUDE, Schema, fields
from psycopg_pool import PoolTimeout
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from shared.config import Settings
from shared.context import correlation_id
from shared.db import open_pool
from shared.http import bodies, db, errors, idempotency
from shared.http.pagination import invalid_cursor_response
from shared.http.problems import MEDIA_TYPE, Problem, problem_response

log = logging.getLogger("birlikte.http")
CORRELATION_HEADER = "X-Correlation-ID"
READY_TIMEOUT = 2.0  # seconds a readiness probe waits for a database connection
# the database or the view failing on a value taken from a cursor: wrong type, not a uuid, not a date…
_CURSOR_MISREADS = (psycopg.errors.DataError, psycopg.errors.UndefinedFunction, ValueError, TypeError)
_VALID_CORRELATION = re.compile(r"[A-Za-z0-9._:-]{1,128}")  # fullmatch: "$" would let a trailing "\n" in


# Every service's schemas read JSON bodies through the platform's limits (nesting, NUL): a body that
# would exhaust the stack or break PostgreSQL text is a 4xx before any view runs.
Blueprint.ARGUMENTS_PARSER = bodies.Parser()


class JSONProvider(DefaultJSONProvider):
    """request.get_json() with the same limits, for views that read JSON themselves."""

    def loads(self, s, **kwargs):
        return bodies.loads(s)


class ProblemSchema(Schema):
    """What every error answer carries (RFC 9457), for the OpenAPI document: see problem_response."""

    class Meta:
        unknown = INCLUDE  # a problem may add members of its own (RFC 9457 §3.2)

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(metadata={"description": "Messages per field, for invalid input"})


class ServiceApi(Api):
    """flask-smorest's Api with every error answered as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """The error responses documented as what they are: problem+json, not smorest's JSON error."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = MEDIA_TYPE  # successes keep the class's application/json
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE

    def handle_http_exception(self, error: HTTPException):
        if isinstance(error, Problem):
            return error.get_response()
        extra = {}
        messages = (getattr(error, "data", None) or {}).get("messages")
        if messages:
            extra["errors"] = _flatten(messages)
        # werkzeug's own headers (Allow on a 405, …) minus its HTML Content-Type, then smorest's
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update((getattr(error, "data", None) or {}).get("headers") or {})
        detail = "Some fields are invalid; see errors." if messages else error.description
        return problem_response(error.code or 500, error.name, detail, headers=headers, **extra)


def _flatten(messages: dict) -> dict:
    """{"json": {"name": [...]}} → {"name": [...]}: clients want the field, not the location."""
    flat = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def create_service_app(settings: Settings, service: str, *, title: str, version: str = "1",
                       blueprints=(), pool=None, openapi: bool = True) -> Flask:
    """A service's app: its API blueprints (documented at /openapi.json and /docs unless
    `openapi` is False: the web app has pages, no API), problems, health, metrics, a transaction
    per request."""
    app = Flask(f"birlikte.{service}", static_folder=None)  # an app that has files to serve says where
    app.json = JSONProvider(app)
    if settings.trusted_proxies:  # behind the edge: the client's address and scheme are what it says they are
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    app.config.update(
        API_TITLE=title, API_VERSION=version, OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/" if openapi else None,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"security": [{"bearer": []}]})
    app.extensions["birlikte"] = {"settings": settings, "service": service, "pool": _lazy_pool(settings, service, pool),
                                  "verifier": None, "before_commit": [idempotency.store_response]}
    api = ServiceApi(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    if openapi:
        app.add_url_rule("/docs", "docs", lambda: _docs_page(title))
        app.add_url_rule("/docs/assets/<path:filename>", "swagger_ui_assets", _swagger_ui_asset)
    app.after_request(_safe_headers)
    _install_context(app)
    bodies.install(app)
    errors.install(app)
    _install_errors(app)
    _install_operations(app, settings)
    # after_request functions run in reverse order of registration: the commit goes first, so that
    # the answer it may replace (503 when the commit fails) is the one stamped, counted and logged
    app.after_request(db.finish)
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body data-openapi="/openapi.json"><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script><script src="/docs/assets/docs.js"></script></body></html>"""
# Swagger UI styles its elements inline; scripts are its own bundle and ours, nothing inline
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"  # JSON, calendars, files: nothing to run


def _docs_page(title: str) -> Response:
    """The API's documentation: Swagger UI from the pinned swagger-ui-bundle package (no CDN), under a CSP."""
    response = Response(DOCS_PAGE.format(title=html.escape(title)), mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


def _swagger_ui_asset(filename: str):
    if filename == "docs.js":
        return send_from_directory(Path(__file__).parent / "static", filename, max_age=3600)
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def _safe_headers(response):
    """Every answer: never sniffed, never framed; one that is not a page runs nothing (a page sets
    its own policy: shared/web, the docs)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if response.mimetype != "text/html":
        response.headers.setdefault("Content-Security-Policy", API_CSP)
    return response


def _lazy_pool(settings: Settings, service: str, pool):
    lock, holder = threading.Lock(), [pool]

    def get():
        if holder[0] is None:
            with lock:
                if holder[0] is None:
                    holder[0] = open_pool(settings, service)
        return holder[0]
    return get


def _install_context(app: Flask) -> None:
    @app.before_request
    def start():
        given = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_id = given if _VALID_CORRELATION.fullmatch(given) else str(uuid.uuid4())
        g.correlation_token = correlation_id.set(g.correlation_id)
        g.started = time.perf_counter()

    @app.after_request
    def stamp(response):
        response.headers[CORRELATION_HEADER] = g.get("correlation_id", "")
        return response

    @app.teardown_request
    def end(exc):
        db.release(exc)
        token = g.pop("correlation_token", None)
        if token is not None:
            correlation_id.reset(token)


def _install_errors(app: Flask) -> None:
    @app.errorhandler(psycopg.errors.SerializationFailure)
    @app.errorhandler(psycopg.errors.DeadlockDetected)
    def busy(_exc):
        return problem_response(503, "Busy", "A concurrent change got in the way; retry the request.",
                                headers={"Retry-After": "1"})

    @app.errorhandler(PoolTimeout)
    @app.errorhandler(psycopg.OperationalError)  # the server gone, a statement or lock timeout
    def unavailable(exc):
        log.warning("database unavailable", extra={"error": f"{type(exc).__name__}: {str(exc)[:200]}"})
        return problem_response(503, "Unavailable", "The database did not answer in time; retry the request.",
                                headers={"Retry-After": "2"})

    @app.errorhandler(Exception)
    def crash(exc):
        if isinstance(exc, HTTPException):  # smorest handles these; this is a fallback
            return problem_response(exc.code or 500, exc.name, exc.description)
        if g.get("client_cursor") and isinstance(exc, _CURSOR_MISREADS):
            # the view could not use the values of a cursor the client sent (edited, or from an old
            # release): the client's mistake, not ours
            log.warning("a cursor that could not be used", exc_info=True)
            return invalid_cursor_response()
        log.exception("unhandled error")
        return problem_response(500, "Internal error", "Something went wrong on our side; it has been logged.")


def _install_operations(app: Flask, settings: Settings) -> None:
    registry = CollectorRegistry()
    requests = Counter("http_requests_total", "HTTP requests", ["endpoint", "method", "status"], registry=registry)
    latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["endpoint", "method"],
                        registry=registry)

    @app.after_request
    def measure(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        requests.labels(endpoint, request.method, response.status_code).inc()
        latency.labels(endpoint, request.method).observe(elapsed)
        log.info("request", extra={"method": request.method, "path": request.path, "status": response.status_code,
                                   "duration_ms": round(elapsed * 1000, 2), "client": request.remote_addr})
        return response

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        """Can this process serve? That is: does its database answer, quickly. The broker is not
        asked: writes go to the outbox and wait there during a broker outage, so an API stays in
        service (the worker's health says when the bus is not flowing)."""
        try:
            with app.extensions["birlikte"]["pool"]().connection(timeout=READY_TIMEOUT) as conn:
                conn.execute("SELECT 1")
        except Exception as exc:  # any failure means not ready; say which part
            problem = f"database: {type(exc).__name__}"
            return problem_response(503, "Not ready", problem, checks=[problem], headers={"Retry-After": "5"})
        return {"status": "ready"}

    @app.get("/metrics")
    def metrics():
        """For the operator's scraper alone: it sends BIRLIKTE_METRICS_TOKEN as a bearer token.
        Unset, there are no metrics to anyone (404); a wrong or missing token is a 401."""
        expected = settings.metrics_token
        if not expected:
            return problem_response(404, "Not Found", "The requested URL was not found on the server.")
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):  # in constant time
            return problem_response(401, "Unauthorized", "Metrics need the operator's bearer token.",
                                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
