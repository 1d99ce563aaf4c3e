"""The integration tier: a real PostgreSQL; no broker (its URL is a closed port)."""
import pytest


@pytest.fixture(scope="session")
def settings(database_settings):
    return database_settings
