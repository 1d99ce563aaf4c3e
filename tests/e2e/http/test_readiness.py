"""Readiness of a real service when its PostgreSQL and RabbitMQ both answer."""
import pytest

from services import ALL


@pytest.mark.parametrize("described", ALL, ids=[s.name for s in ALL])
def test_readyz_is_200_when_postgres_and_rabbitmq_answer(described, settings):
    app = described.create_app(settings)
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 200 and response.get_json() == {"status": "ready"}
    finally:
        app.extensions["birlikte"]["pool"]().close()
