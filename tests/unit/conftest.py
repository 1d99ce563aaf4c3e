"""The unit tier: no server is reached from here. A test that asks for one fails at once."""
import pytest


def _refused(what: str):
    @pytest.fixture(scope="session")
    def refused():
        pytest.fail(f"a unit test asked for {what}: put it under tests/integration or tests/e2e")
    return refused


postgres_url = _refused("PostgreSQL")
broker_url = _refused("RabbitMQ")
