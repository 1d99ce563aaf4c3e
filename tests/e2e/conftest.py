"""The end-to-end tier: a real PostgreSQL and a real RabbitMQ, processes and the command line."""
import uuid

import pytest


@pytest.fixture(scope="session")
def settings(database_settings, broker_url):
    return database_settings.replace(broker_url=broker_url)


@pytest.fixture
def unique_bus(settings):
    """Settings with an exchange and queues of this test's own, for tests that count messages."""
    tag = uuid.uuid4().hex[:8]
    return settings.replace(bus_exchange=f"{settings.bus_exchange}.{tag}",
                            bus_queue_prefix=f"{settings.bus_queue_prefix}.{tag}")
