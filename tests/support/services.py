"""One factory for what every service's tests need: a pool as the service's own role, its app
over that pool, a test client, and its consumer's handling of messages."""
from __future__ import annotations

import pytest

from services import service
from shared.db import open_pool
from tests.support.messages import Deliveries


def service_fixtures(name: str, *, settings: str = "settings", pool_max: int = 12):
    """Fixtures `<name>_pool`, `app`, `client` and `deliveries` for service `name`, built from the
    settings fixture named `settings` (a service's tests may refine the run's settings)."""

    @pytest.fixture(scope="session", name=f"{name}_pool")
    def pool(request):
        opened = open_pool(request.getfixturevalue(settings), name, min_size=1, max_size=pool_max)
        yield opened
        opened.close()

    @pytest.fixture(scope="session", name="app")
    def app(request):
        made = service(name).create_app(request.getfixturevalue(settings),
                                        pool=request.getfixturevalue(f"{name}_pool"))
        made.config["TESTING"] = True
        return made

    @pytest.fixture(name="client")
    def client(app):
        return app.test_client()

    @pytest.fixture(scope="session", name="deliveries")
    def deliveries(request):
        return Deliveries(request.getfixturevalue(settings), name, request.getfixturevalue(f"{name}_pool"))

    return pool, app, client, deliveries
