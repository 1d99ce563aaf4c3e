"""A partner's webhook endpoint on 127.0.0.1, for the tests that follow deliveries to it."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """A partner's endpoint: records every request (time, headers, body); fails the first N."""

    def __init__(self, fail_first: int = 0, status: int = 500, on_request=None):
        self.times, self.statuses, self.received = [], [], []
        self.fail_first, self.status, self.on_request = fail_first, status, on_request
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.on_request:
                    receiver.on_request(self.headers)
                with receiver.lock:
                    receiver.times.append(time.monotonic())
                    failing = receiver.fail_first > 0
                    receiver.fail_first -= failing
                    status = receiver.status if failing else 204
                    receiver.statuses.append(status)
                    if not failing:
                        receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/birlikte/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
