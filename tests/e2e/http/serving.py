"""A service served as production serves it (`birlikte serve`, gunicorn), for the tests of this
folder: started with the run's settings, waited for until its port answers."""
from __future__ import annotations

import socket
import subprocess
import time

from tests.e2e.cli.conftest import birlikte_command, env_for
from tests.support.smtp import free_port


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answers on port {port}")


def serve(settings, log_path, service: str = "events", *options: str, **environment) -> tuple[subprocess.Popen, int]:
    """The service's API on a free port, its output in `log_path`; (the process, its port)."""
    port = free_port()
    with open(log_path, "w") as out:
        process = subprocess.Popen(
            [*birlikte_command(), "serve", service, "--bind", "127.0.0.1", "--port", str(port), "--workers", "1",
             *options], env=env_for(settings, **environment), stdout=out, stderr=subprocess.STDOUT)
    wait_for(port)
    return process, port
