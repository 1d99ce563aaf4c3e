"""An HTTP/1.1 load generator in a process of its own: N keep-alive connections, each sending its
next request as soon as the previous answer is read (a closed loop), for a warm-up and then a
measured window.

Why this shape: the machine has two cores, shared by the client, the servers and PostgreSQL. A
threaded client would spend much of its time on the GIL; this one is a single asyncio event loop
on raw sockets (asyncio.Protocol, no HTTP library), so a request costs it a few tens of
microseconds — a small and equal tax on both servers measured, which `cpu_seconds` reports.

Run by the benchmarks (see `run`); the spec arrives as JSON on stdin, the outcome leaves as JSON
on stdout:

    {"port": 8000, "connections": 32, "seconds": 5, "warmup": 1,
     "method": "GET", "paths": ["/organizations/…"], "headers": {...},
     "body": "…@N@…"}      # POST: every @N@ becomes a token unique to this request

Outcome: requests completed inside the window, its length, latencies (ms) of those requests, the
statuses seen, failures (status ≥ 400 or a broken connection) and the client's CPU time.
"""
from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field

PLACEHOLDER = b"@N@"


@dataclass
class Outcome:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    failures: int = 0
    reconnects: int = 0
    cpu_seconds: float = 0.0   # the client's own CPU time over its whole run (warm-up included)
    wall_seconds: float = 0.0  # that run's length: cpu_seconds / wall_seconds = cores the client used

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(spec: dict, timeout: float | None = None) -> Outcome:
    """Run the generator as a child process and return what it measured."""
    budget = timeout or (spec.get("warmup", 1.0) + spec["seconds"] + 60)
    result = subprocess.run([sys.executable, "-m", "benchmarks.loadgen"], input=json.dumps(spec),
                            capture_output=True, text=True, timeout=budget)
    if result.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{result.stderr[-2000:]}")
    return Outcome(**json.loads(result.stdout))


class _Requests:
    """The bytes of request n: paths taken in turn, a body with its placeholder made unique."""

    def __init__(self, spec: dict):
        method, self.paths = spec["method"], [p.encode() for p in spec["paths"]]
        headers = {"Host": "127.0.0.1", **spec.get("headers", {})}
        self.head = [f"{method} ".encode(), b" HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()).encode()]
        self.body = spec.get("body", "").encode()
        self.unique = self.body.count(PLACEHOLDER) > 0
        self.tag = uuid.uuid4().hex[:10]
        self.fixed = {path: self._build(path, self.body) for path in self.paths} if not self.unique else {}

    def _build(self, path: bytes, body: bytes) -> bytes:
        return b"".join((self.head[0], path, self.head[1], b"Content-Length: %d\r\n\r\n" % len(body), body))

    def __call__(self, n: int) -> bytes:
        path = self.paths[n % len(self.paths)]
        if not self.unique:
            return self.fixed[path]
        return self._build(path, self.body.replace(PLACEHOLDER, f"{self.tag}-{n}".encode()))


class _Connection(asyncio.Protocol):
    """One keep-alive connection in a closed loop: send, read the whole answer, send again."""

    def __init__(self, runner: "_Runner"):
        self.runner, self.buffer, self.transport, self.started = runner, bytearray(), None, 0.0
        self.closed = runner.loop.create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.send()

    def send(self) -> None:
        now = time.perf_counter()
        if now >= self.runner.stop_at:
            self.transport.close()
            return
        self.started = now
        self.transport.write(self.runner.requests(self.runner.next_number()))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            parsed = _parse(self.buffer)
            if parsed is None:
                return
            status, consumed, keep_alive = parsed
            del self.buffer[:consumed]
            self.runner.record(self.started, time.perf_counter(), status)
            if not keep_alive:
                self.transport.close()
                return
            self.send()
            if not self.buffer:
                return

    def connection_lost(self, exc) -> None:
        if not self.closed.done():
            self.closed.set_result(exc)


def _parse(buffer: bytearray):
    """(status, bytes used, keep-alive) once a whole response is in the buffer, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    keep_alive = headers.get("connection") != "close"
    start = end + 4
    if headers.get("transfer-encoding") == "chunked":
        position = start
        while True:
            line_end = buffer.find(b"\r\n", position)
            if line_end < 0:
                return None
            size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
            position = line_end + 2 + size + 2
            if position > len(buffer):
                return None
            if size == 0:
                return status, position, keep_alive
    length = int(headers.get("content-length", "0"))
    if len(buffer) < start + length:
        return None
    return status, start + length, keep_alive


class _Runner:
    def __init__(self, spec: dict):
        self.spec, self.requests = spec, _Requests(spec)
        self.outcome, self.number = Outcome(), 0
        self.loop = asyncio.get_running_loop()
        began = time.perf_counter()
        self.measure_from = began + spec.get("warmup", 1.0)
        self.stop_at = self.measure_from + spec["seconds"]

    def next_number(self) -> int:
        self.number += 1
        return self.number

    def record(self, started: float, ended: float, status: int) -> None:
        # Counted if it ended inside the window; a request that started in the warm-up and ended
        # inside counts too, so the window's throughput is what the server completed in it.
        if self.measure_from <= ended <= self.stop_at:
            outcome = self.outcome
            outcome.requests += 1
            outcome.latencies_ms.append(round((ended - started) * 1000, 3))
            outcome.statuses[str(status)] = outcome.statuses.get(str(status), 0) + 1
            if status >= 400:
                outcome.failures += 1

    async def connection(self) -> None:
        while time.perf_counter() < self.stop_at:
            _, protocol = await self.loop.create_connection(
                lambda: _Connection(self), "127.0.0.1", self.spec["port"])
            exc = await protocol.closed
            if time.perf_counter() < self.stop_at:  # the server closed it early: count it, reconnect
                self.outcome.reconnects += 1
                if exc is not None:
                    self.outcome.failures += 1

    async def run(self) -> Outcome:
        await asyncio.gather(*(self.connection() for _ in range(self.spec.get("connections", 32))))
        self.outcome.seconds = self.spec["seconds"]
        return self.outcome


async def _main(spec: dict) -> Outcome:
    return await _Runner(spec).run()


def main() -> None:
    spec = json.loads(sys.stdin.read())
    began = time.perf_counter()
    outcome = asyncio.run(_main(spec))
    outcome.wall_seconds = round(time.perf_counter() - began, 3)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    outcome.cpu_seconds = round(usage.ru_utime + usage.ru_stime, 3)
    json.dump(outcome.__dict__, sys.stdout)


if __name__ == "__main__":
    main()
