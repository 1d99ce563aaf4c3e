"""How a service describes itself, once, to the platform's command line, workers and tests.

Every service is a package laid out the same way (`app.py` with `create_app`, `worker.py` with
`create_worker`, `subscriptions.py` with `subscriptions`, `demo.py` with `load`, `migrations/`),
and its `__init__.py` holds its `Service`. The parts are imported only when asked for, so naming
a service costs nothing (a worker never imports Flask, a migration imports neither).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from shared.config import Settings


@dataclass(frozen=True)
class Service:
    name: str     # its schema, its role's suffix, its queue's name
    title: str    # what its OpenAPI document is called
    port: int     # where `birlikte serve` listens by default
    package: str  # the Python package, e.g. "services.registry"

    @property
    def migrations(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).parent / "migrations"

    def module(self, part: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{part}")

    def create_app(self, settings: Settings, pool=None):
        return self.module("app").create_app(settings, pool=pool)

    def create_worker(self, settings: Settings, pool=None):
        return self.module("worker").create_worker(settings, pool=pool)

    def subscriptions(self, settings: Settings) -> dict:
        """Message type → its handlers (empty for a service that listens to no one)."""
        return self.module("subscriptions").subscriptions(settings)

    def load_demo(self, settings: Settings) -> dict[str, int]:
        return self.module("demo").load(settings)
