"""Configuration: every problem reported at once, defaults, each service's own DSN."""
import pytest

from shared.config import ConfigError, load_settings


def test_config_reports_every_malformed_variable_at_once():
    with pytest.raises(ConfigError) as info:
        load_settings({"BIRLIKTE_DB_POOL_MAX": "many", "BIRLIKTE_BROKER_URL": "http://x",
                       "BIRLIKTE_BUS_RETRY_DELAYS": ""})
    text = str(info.value)
    assert "BIRLIKTE_DB_POOL_MAX" in text and "BIRLIKTE_BROKER_URL" in text
    assert "BIRLIKTE_BUS_RETRY_DELAYS" in text
    assert len(info.value.problems) == 3


def test_config_defaults_and_service_role_dsn():
    settings = load_settings({"BIRLIKTE_DATABASE_URL": "postgresql://admin:pw@db.example:6543/birlikte"})
    assert settings.database_url_for("registry") == "postgresql://birlikte_registry@db.example:6543/birlikte"
    explicit = load_settings({"BIRLIKTE_REGISTRY_DATABASE_URL": "postgresql://reg:secret@db/birlikte"})
    assert explicit.database_url_for("registry") == "postgresql://reg:secret@db/birlikte"
