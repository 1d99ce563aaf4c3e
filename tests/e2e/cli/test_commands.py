"""The `birlikte` command line, run as operators run it: a real process, real servers."""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from shared.auth.tokens import InvalidToken, TokenVerifier


def test_check_names_each_malformed_variable_and_exits_2_without_a_traceback(run_cli, cli_env):
    env = {**cli_env, "BIRLIKTE_BUS_PREFETCH": "lots", "BIRLIKTE_BROKER_URL": "http://rabbit"}
    result = run_cli(["check"], env)
    assert result.returncode == 2
    assert "BIRLIKTE_BUS_PREFETCH='lots'" in result.stderr
    assert "BIRLIKTE_BROKER_URL='http://rabbit'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_command_refuses_bad_configuration_the_same_way(run_cli, cli_env):
    result = run_cli(["migrate"], {**cli_env, "BIRLIKTE_LOG_LEVEL": "LOUD"})
    assert result.returncode == 2
    assert "BIRLIKTE_LOG_LEVEL='LOUD': must be one of" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_passes_when_the_servers_answer(run_cli, cli_env):
    result = run_cli(["check"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "PostgreSQL and the broker answer" in result.stdout


def test_check_reports_an_unreachable_database_by_its_variable(run_cli, cli_env):
    env = {**cli_env, "BIRLIKTE_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere"}
    result = run_cli(["check"], env)
    assert result.returncode == 2
    assert "BIRLIKTE_DATABASE_URL=postgresql://postgres@127.0.0.1:1/nowhere: PostgreSQL does not answer" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_lists_every_variable_with_its_default(run_cli, cli_env):
    result = run_cli(["config"], cli_env)
    assert result.returncode == 0
    for name in ("BIRLIKTE_DATABASE_URL", "BIRLIKTE_BROKER_URL", "BIRLIKTE_BUS_RETRY_DELAYS", "BIRLIKTE_JWKS_URL"):
        assert name in result.stdout
    assert "memory:// for the all-in-one mode" in result.stdout


def test_migrate_creates_the_database_and_is_idempotent(run_cli, cli_env, settings):
    """A database that does not exist yet, roles of the test's own (roles are cluster-wide)."""
    tag = uuid.uuid4().hex[:8]
    database, prefix = f"birlikte_test_cli_{tag}", f"clitest_{tag}_"
    url = urlsplit(settings.database_url)._replace(path="/" + database).geturl()
    role_url = urlsplit(url)._replace(netloc=f"{prefix}registry:s3cret@{urlsplit(url).netloc.split('@')[-1]}").geturl()
    env = {**cli_env, "BIRLIKTE_DATABASE_URL": url, "BIRLIKTE_DB_ROLE_PREFIX": prefix,
           "BIRLIKTE_REGISTRY_DATABASE_URL": role_url}
    admin = urlsplit(settings.database_url)._replace(path="/postgres").geturl()
    try:
        first = run_cli(["migrate"], env)
        assert first.returncode == 0, first.stderr
        assert f"created database {database}" in first.stdout
        assert "backbone/0001_backbone.sql" in first.stdout
        assert "registry/0001_registry.sql" in first.stdout
        with psycopg.connect(url) as conn:
            applied = conn.execute("SELECT count(*) FROM registry.schema_migrations").fetchone()[0]

        second = run_cli(["migrate", "registry"], env)
        assert second.returncode == 0, second.stderr
        assert "created database" not in second.stdout
        assert "0001" not in second.stdout
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM registry.schema_migrations").fetchone()[0] == applied
            # The role got the password its DSN carries: deployments log in with it.
            assert conn.execute("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s",
                                (f"{prefix}registry",)).fetchone()[0]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(f"{prefix}registry")))


def test_token_is_accepted_by_the_verifier_with_its_claims(run_cli, cli_env, settings):
    org = str(uuid.uuid4())
    result = run_cli(["token", "--role", "org_admin", "--subject", "ayse", "--admin-of", org,
                      "--scope", "registry.read", "--scope", "registry.write"], cli_env)
    assert result.returncode == 0, result.stderr
    principal = TokenVerifier(settings).verify(result.stdout.strip())
    assert principal.subject == "ayse"
    assert principal.roles == {"org_admin"}
    assert principal.can_admin(org) and not principal.is_coordinator
    assert principal.scopes == {"registry.read", "registry.write"}


def test_token_defaults_to_a_coordinator_and_another_key_does_not_verify_it(run_cli, cli_env, settings):
    result = run_cli(["token"], cli_env)
    assert result.returncode == 0, result.stderr
    assert TokenVerifier(settings).verify(result.stdout.strip()).is_coordinator
    from tests.conftest import keypair as _keypair
    _, other_public = _keypair()
    try:
        TokenVerifier(settings.replace(jwt_public_key=other_public)).verify(result.stdout.strip())
        raise AssertionError("a token signed with another key was accepted")
    except InvalidToken:
        pass


def test_token_without_a_key_says_which_variable_is_missing(run_cli, cli_env):
    env = {k: v for k, v in cli_env.items() if not k.startswith("BIRLIKTE_JWT_")}
    assert env != cli_env  # the keys were there, and are gone
    result = run_cli(["token"], env)
    assert result.returncode == 2
    assert "BIRLIKTE_JWT_PRIVATE_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_deadletters_replay_needs_ids_or_all(run_cli, cli_env):
    result = run_cli(["deadletters", "replay", "registry"], cli_env)
    assert result.returncode == 2
    assert "--id ID (repeatable) or --all" in result.stderr


def test_an_unknown_service_is_refused_with_the_known_ones(run_cli, cli_env):
    result = run_cli(["worker", "payments"], cli_env)
    assert result.returncode == 2
    assert "Invalid value" in result.stderr and "'payments'" in result.stderr and "registry" in result.stderr


def test_keys_new_kek_rotate_and_list(run_cli, cli_env, settings):
    from cryptography.fernet import Fernet
    kek = run_cli(["keys", "new-kek"], cli_env)
    assert kek.returncode == 0 and Fernet(kek.stdout.strip().encode())  # a usable key, printed once
    try:
        rotated = run_cli(["keys", "rotate"], cli_env)
        assert rotated.returncode == 0, rotated.stderr
        assert "published next key" in rotated.stdout
        listed = run_cli(["keys", "list"], cli_env)
        states = [line.split()[1] for line in listed.stdout.splitlines()]
        assert states.count("active") == 1 and states.count("next") == 1
        early = run_cli(["keys", "rotate"], cli_env)  # the next key has not been published long enough
        assert early.returncode == 1 and "Rotate again in" in early.stderr and "Traceback" not in early.stderr
    finally:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM registry.signing_keys WHERE state = 'next'")


def test_clients_register_web_shows_a_new_secret_once_and_keeps_a_configured_one(run_cli, cli_env, settings):
    env = {k: v for k, v in cli_env.items() if k != "BIRLIKTE_WEB_CLIENT_SECRET"}
    env.update(BIRLIKTE_WEB_CLIENT_ID=f"web-{uuid.uuid4().hex[:6]}", BIRLIKTE_WEB_URL="https://birlikte.example")
    made = run_cli(["clients", "register-web"], env)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert len(secret) >= 32 and "shown once" in made.stderr
    again = run_cli(["clients", "register-web"], env)  # registered already: the secret stays, nothing shown
    assert again.returncode == 0 and again.stdout == ""
    configured = run_cli(["clients", "register-web"], {**env, "BIRLIKTE_WEB_CLIENT_SECRET": "configured-" + "x" * 32})
    assert configured.returncode == 0 and configured.stdout == ""  # the deployment's own secret is never printed
    with psycopg.connect(settings.database_url) as conn:
        row = conn.execute("SELECT redirect_uris, secret_hash FROM registry.first_party_clients WHERE client_id = %s",
                           (env["BIRLIKTE_WEB_CLIENT_ID"],)).fetchone()
    assert row[0] == ["https://birlikte.example/auth/callback"]
    assert secret not in row[1] and "configured-" not in row[1]  # kept as a digest only
