"""`birlikte serve`: a service's Flask app under gunicorn, started from Python."""
from __future__ import annotations

import json

from gunicorn import util
from gunicorn.app.base import BaseApplication

from services import ALL, service as described
from shared.config import Settings

DEFAULT_PORTS = {s.name: s.port for s in ALL}
BASE_PORT = 8000


def port_for(service: str, port_base: int = BASE_PORT) -> int:
    return port_base + DEFAULT_PORTS[service] - BASE_PORT


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own answers (a request line too long: 414, headers too large: 431, a malformed
    request: 400) as problem+json like every other error of the platform, not its HTML page."""
    body = json.dumps({"type": "about:blank", "title": reason, "status": status_int, "detail": mesg or reason})
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, (head + body).encode("latin-1"))  # json.dumps escapes everything non-ASCII


util.write_error = write_problem  # gunicorn writes its error pages through this one function


class ServiceApplication(BaseApplication):
    """gunicorn with our options only: no command-line parsing, the app built in each worker."""

    def __init__(self, settings: Settings, service: str, options: dict):
        self.settings, self.service, self.options = settings, service, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Called in each worker after the fork (preload is off): pools and sockets are per process.
        from shared.logging import configure_logging
        configure_logging(self.settings, self.service)
        return described(self.service).create_app(self.settings)


def gunicorn_options(settings: Settings, service: str, host: str, port: int, workers: int, threads: int) -> dict:
    """The gunicorn settings every service is served with (the benchmarks' bare app uses them too)."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "proc_name": f"birlikte-{service}",
        "graceful_timeout": 10,
        "timeout": 60,
        "loglevel": settings.log_level.lower(),
        "accesslog": None,  # the app writes its own JSON access line with the correlation id
        # gunicorn 25+ opens a control socket at one path per user: two services would collide.
        "control_socket_disable": True,
    }


def run_gunicorn(settings: Settings, service: str, host: str, port: int, workers: int, threads: int) -> None:
    ServiceApplication(settings, service, gunicorn_options(settings, service, host, port, workers, threads)).run()
