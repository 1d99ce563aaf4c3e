"""The token endpoint holds against guessing (issue 14: 60 wrong client secrets in a row were 60 × 401):
a client's failed attempts are limited per minute, then even the right secret waits (429 with
Retry-After); one client address is limited per minute too. The counts are the database's, shared by
every process of the registry."""
from __future__ import annotations

import psycopg

from services import service
from tests.integration.registry.test_clients_and_tokens import _basic, _register

FORM = {"grant_type": "client_credentials"}


def test_wrong_secrets_run_into_the_limit_and_then_the_right_one_waits_too(client, tokens, create_organization,
                                                                          settings):
    wheel = create_organization(country="IE", roles=["partner_umbrella"])
    registered = _register(client, tokens, wheel)
    limit = settings.token_failure_limit
    wrong = [client.post("/oauth/token", data=FORM, headers=_basic(registered["client_id"], "guess")).status_code
             for _ in range(limit)]
    assert wrong == [401] * limit
    refused = client.post("/oauth/token", data=FORM, headers=_basic(registered["client_id"], registered["client_secret"]))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.content_type == "application/problem+json"


def test_one_client_address_is_limited_per_minute(settings, registry_pool, tokens, create_organization, client):
    wheel = create_organization(country="IE", roles=["partner_umbrella"])
    registered = _register(client, tokens, wheel)
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM registry.rate_limits WHERE key LIKE 'token:address:%'")
    limited = service("registry").create_app(settings.replace(token_limit=3), pool=registry_pool).test_client()
    statuses = [limited.post("/oauth/token", data=FORM, headers=_basic(registered["client_id"],
                                                                       registered["client_secret"])).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
