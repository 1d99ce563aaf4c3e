"""The notifications service's tests: its app over the run's database (any tier), a real SMTP
server (aiosmtpd), and registry- and events-shaped messages handed to its consumer."""
from __future__ import annotations

import pytest

from tests.support.services import service_fixtures
from tests.support.smtp import SmtpServer


@pytest.fixture(scope="session")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mail_settings(settings, smtp):
    """The run's settings with email going to the test SMTP server."""
    return settings.replace(smtp_host="127.0.0.1", smtp_port=smtp.port, notification_retry_delays=(0.2, 0.4))


notifications_pool, app, client, deliveries = service_fixtures("notifications", settings="mail_settings", pool_max=20)


@pytest.fixture(scope="session")
def bus(deliveries):
    """Registry and events messages, handed to the notifications consumer."""
    return deliveries


def notifications_of(pool, person_id, channel=None) -> list[dict]:
    with pool.connection() as conn:
        query = "SELECT * FROM notifications WHERE recipient_id = %s" + (" AND channel = %s" if channel else "")
        return conn.execute(query + " ORDER BY created_at, id",
                            (person_id, channel) if channel else (person_id,)).fetchall()
