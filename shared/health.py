"""Health: checks of the parts a service cannot work without, and a worker's /healthz."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kombu import Connection

from shared.config import Settings


def broker_problem(settings: Settings) -> str | None:
    """None when the broker answers, else a short reason."""
    if settings.broker_url.startswith("memory://"):
        return None
    try:
        with Connection(settings.broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return None
    except Exception as exc:  # kombu raises many kinds; all mean "not reachable"
        return f"{type(exc).__name__}: {exc}"[:200]


class _Answer(BaseHTTPRequestHandler):
    """GET /healthz (and /readyz): 200, or 503 problem+json naming what is not working."""
    worker = None

    def do_GET(self):
        if self.path not in ("/healthz", "/readyz"):
            self._send(404, {"type": "about:blank", "title": "Not found", "status": 404})
            return
        problems = self.worker.problems()
        if problems:
            self._send(503, {"type": "about:blank", "title": "Not working", "status": 503,
                             "detail": "; ".join(problems), "checks": problems})
        else:
            self._send(200, {"status": "ok"})

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status == 200 else "application/problem+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # probes every few seconds: not worth a log line each
        pass


def serve(worker, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """The worker's health on `port`, in a daemon thread (a worker has no other HTTP)."""
    handler = type("Answer", (_Answer,), {"worker": worker})
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="worker-health", daemon=True).start()
    return server
