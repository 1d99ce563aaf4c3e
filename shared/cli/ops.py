"""What the commands do, kept apart from how they are spelled on the command line."""
from __future__ import annotations

from typing import Iterable, Iterator
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

from services import SERVICES, service
from shared.config import Settings
from shared.migrations import migrate

MAINTENANCE_DB = "postgres"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or MAINTENANCE_DB


def maintenance_url(url: str) -> str:
    """The same server's `postgres` database: where CREATE DATABASE is run from."""
    return urlsplit(url)._replace(path="/" + MAINTENANCE_DB).geturl()


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
    return url


def ensure_database(url: str) -> bool:
    """Create the database named in `url` if it does not exist; True when it was created."""
    name = database_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False  # another process created it between our check and our CREATE
    return True


def migrate_services(settings: Settings, services: Iterable[str] = SERVICES) -> Iterator[tuple[str, list[str]]]:
    for name in services:
        applied = migrate(settings, name, service(name).migrations)
        if set_role_password(settings, name):
            applied = [*applied, f"password of role {settings.role_for(name)} set"]
        yield name, applied


def declare_topology(settings: Settings, services: Iterable[str] = SERVICES) -> Iterator[tuple[str, list[str]]]:
    """Declare each consuming service's queues and bindings before any worker runs, so that a
    message published before a consumer first starts (demo data, say) waits in its queue."""
    from shared.bus.topology import declare
    for name in services:
        types = sorted(service(name).subscriptions(settings))
        if types:
            declare(settings, name, types)
            yield name, types


def set_role_password(settings: Settings, service: str) -> bool:
    """Give the service's role the password its own DSN carries (BIRLIKTE_<SERVICE>_DATABASE_URL).

    Migrations create roles without passwords, which is enough where PostgreSQL trusts local
    connections; a deployment gives each service a DSN with a password, and this makes it true.
    """
    parts = urlsplit(settings.service_database_urls.get(service, ""))
    if not parts.password or parts.username != settings.role_for(service):
        return False
    with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
            sql.Identifier(settings.role_for(service)), sql.Literal(unquote(parts.password))))
    return True


def load_demo(settings: Settings, services: Iterable[str] = SERVICES) -> Iterator[tuple[str, dict]]:
    """Each service's demo data (`demo.load(settings)`), in the platform's order."""
    for name in services:
        yield name, service(name).load_demo(settings)


def postgres_problem(url: str) -> str | None:
    """None when the server in `url` answers (checked on its maintenance database)."""
    try:
        with psycopg.connect(maintenance_url(url), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except psycopg.Error as exc:
        text = str(exc).strip()
        return text.splitlines()[0] if text else type(exc).__name__


def broker_problem(url: str) -> str | None:
    from shared.health import broker_problem as problem
    return problem(Settings(broker_url=url))


def reachability_problems(settings: Settings) -> list[str]:
    problems = []
    db = postgres_problem(settings.database_url)
    if db:
        problems.append(f"BIRLIKTE_DATABASE_URL={redact(settings.database_url)}: PostgreSQL does not answer: {db}")
    mq = broker_problem(settings.broker_url)
    if mq:
        problems.append(f"BIRLIKTE_BROKER_URL={redact(settings.broker_url)}: the broker does not answer: {mq}")
    return problems


WEB_SCOPES = ["openid", "profile", "email", "offline_access"]
NATIVE_CLIENT_ID = "birlikte-cli"
# RFC 8252: a native app receives the code on a loopback address, on whatever port it found free
NATIVE_REDIRECTS = ["http://127.0.0.1/callback", "http://[::1]/callback"]


def register_web_client(settings: Settings, *, secret: str | None = None) -> str | None:
    """The web app as the registry's confidential client, at its configured address; the secret
    it is to use (`secret`, else a new one, shown once — None when it keeps the one it has)."""
    from shared.auth.principal import Principal
    from shared.db import connect
    from services.registry.operations import clients
    web = settings.web_url.rstrip("/")
    with connect(settings, "registry") as conn, conn.cursor() as cur:
        made = clients.register_first_party(
            cur, Principal.system("cli"), settings.web_client_id, name="Birlikte",
            redirect_uris=[f"{web}/auth/callback"], post_logout_redirect_uris=[f"{web}/"], scopes=WEB_SCOPES,
            confidential=True, secret=secret)
        conn.commit()
    return made


def register_native_client(settings: Settings) -> None:
    """The public client for native and command-line apps: no secret (it could not keep one),
    PKCE S256 required, codes delivered to a loopback address on any port."""
    from shared.auth.principal import Principal
    from shared.db import connect
    from services.registry.operations import clients
    with connect(settings, "registry") as conn, conn.cursor() as cur:
        clients.register_first_party(
            cur, Principal.system("cli"), NATIVE_CLIENT_ID, name="Birlikte on the command line",
            redirect_uris=NATIVE_REDIRECTS, post_logout_redirect_uris=[], scopes=WEB_SCOPES, confidential=False)
        conn.commit()
