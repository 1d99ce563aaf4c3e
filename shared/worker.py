"""A service's worker process: the outbox relay, the consumer and any timers, in threads."""
from __future__ import annotations

import logging
import signal
import threading
from typing import Callable

from shared import health, ratelimit
from shared.auth import revocations
from shared.bus.consumer import Consumer, Subscriptions
from shared.bus.relay import Relay
from shared.config import Settings

log = logging.getLogger(__name__)
RELAY_CLEANUP_SECONDS = 3600.0


class Worker:
    def __init__(self, settings: Settings, service: str, pool, subscriptions: Subscriptions | None = None, timers=(),
                 after_commit: Callable[[dict], None] | None = None):
        self.settings, self.service, self.pool = settings, service, pool
        self.relay = Relay(settings, service, pool)
        self.consumer = Consumer(settings, service, pool, subscriptions, after_commit) if subscriptions else None
        self.timers = [(RELAY_CLEANUP_SECONDS, self._clean_up), *timers]
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def _clean_up(self, pool) -> None:
        """What every service's backbone keeps only for a while: published outbox rows, rate-limit
        windows, revocations older than any token they could refuse."""
        self.relay.cleanup()
        ratelimit.prune(pool)
        revocations.prune(pool, self.settings.token_lifetime_seconds)

    def problems(self) -> list[str]:
        """What is not working, in words; empty when the worker does its job (its health)."""
        found = [f"{thread.name} stopped" for thread in self.threads if not thread.is_alive()]
        if self.consumer is not None and self.consumer.problem():
            found.append(self.consumer.problem())
        return found

    def start(self) -> "Worker":
        if self.settings.worker_health_port:
            self._health = health.serve(self, self.settings.worker_health_port)
        self._spawn("relay", self.relay.run, self.stop_event)
        if self.consumer is not None:
            self._spawn("consumer", self.consumer.run, self.stop_event)
        for interval, task in self.timers:
            self._spawn("timer", self._every, interval, task)
        log.info("worker started", extra={"service": self.service})
        return self

    def _spawn(self, name, target, *args):
        thread = threading.Thread(target=target, args=args, name=f"{self.service}-{name}", daemon=True)
        thread.start()
        self.threads.append(thread)

    def _every(self, interval: float, task) -> None:
        while not self.stop_event.wait(interval):
            try:
                task(self.pool)
            except Exception:  # a failing timer must not stop the worker; it runs again next time
                log.exception("timer failed")

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout)
        if getattr(self, "_health", None) is not None:
            self._health.shutdown()

    def run(self) -> None:
        """Block until SIGTERM or SIGINT, then finish the work in hand and stop."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop_event.set())
        self.start()
        self.stop_event.wait()
        log.info("worker stopping", extra={"service": self.service})
        self.stop()
