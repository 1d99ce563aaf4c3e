"""The `birlikte` command line: one entry point for every process and operator task.

Configuration comes from BIRLIKTE_* variables (`birlikte config` lists them). A configuration
problem ends any command with exit code 2 and one line per problem, never a stack trace.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import click
import psycopg

from services import SERVICES
from shared.config import ConfigError, describe, load_settings

SERVICE = click.Choice(SERVICES)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="birlikte")
    except ConfigError as exc:
        click.echo("birlikte: invalid configuration:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    except psycopg.OperationalError as exc:
        # Unreachable database: say where, not how deep in the stack it was noticed.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(f"birlikte: cannot reach PostgreSQL: {first}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Birlikte: serve, work, migrate and operate the platform's services."""


@cli.command("config")
def config_command() -> None:
    """List every BIRLIKTE_* variable with its default and meaning."""
    rows = describe()
    width = max(len(name) for name, _, _ in rows)
    for name, default, doc in rows:
        click.echo(f"{name:<{width}}  default {default}")
        if doc:
            click.echo(f"{'':<{width}}  {doc}")


@cli.command()
@click.option("--offline", is_flag=True, help="Only validate the variables; do not contact PostgreSQL or RabbitMQ.")
def check(offline: bool) -> None:
    """Validate the environment; exit 2 with one line per problem."""
    from shared.cli import ops
    settings = load_settings()
    problems = [] if offline else ops.reachability_problems(settings)
    for problem in problems:
        click.echo(f"birlikte: {problem}", err=True)
    if problems:
        sys.exit(2)
    click.echo("configuration ok" + ("" if offline else "; PostgreSQL and the broker answer"))


@cli.command()
@click.argument("services", nargs=-1, type=SERVICE)
def migrate(services: tuple[str, ...]) -> None:
    """Create the database if missing, apply each service's migrations and declare its bus queues (default: all)."""
    from shared.cli import ops
    settings = load_settings()
    if ops.ensure_database(settings.database_url):
        click.echo(f"created database {ops.database_name(settings.database_url)}")
    for name, applied in ops.migrate_services(settings, services or SERVICES):
        click.echo(f"{name}: " + (", ".join(applied) if applied else "up to date"))
    problem = ops.broker_problem(settings.broker_url)
    if problem:  # each worker declares its own queues when it starts; this only gets ahead of it
        click.echo(f"bus queues not declared: the broker does not answer: {problem}", err=True)
        return
    for name, patterns in ops.declare_topology(settings, services or SERVICES):
        click.echo(f"{name}: bus queue bound to {', '.join(patterns)}")


@cli.command()
@click.argument("service", type=SERVICE)
@click.option("--port", type=int, help="Port to listen on (default: the service's own, e.g. registry 8001).")
@click.option("--bind", "host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True, help="gunicorn worker processes.")
@click.option("--threads", type=click.IntRange(1), default=4, show_default=True, help="Threads per worker.")
def serve(service: str, port: int | None, host: str, workers: int, threads: int) -> None:
    """Serve a service's HTTP API with gunicorn."""
    from shared.cli import serving
    settings = load_settings()
    serving.run_gunicorn(settings, service, host, port or serving.DEFAULT_PORTS[service], workers, threads)


@cli.command()
@click.argument("service", type=SERVICE)
def worker(service: str) -> None:
    """Run a service's worker: outbox relay, consumers and timers, until SIGTERM/SIGINT."""
    from services import service as described
    from shared.logging import configure_logging
    settings = load_settings()
    configure_logging(settings, service)
    described(service).create_worker(settings).run()


@cli.group()
def deadletters() -> None:
    """List and replay messages parked in a service's dead-letter queue."""


@contextmanager
def _broker_errors(service: str):
    """A missing queue or an unreachable broker is an answer for the operator, not a stack trace."""
    from amqp.exceptions import NotFound
    from kombu.exceptions import OperationalError
    try:
        yield
    except NotFound:
        click.echo(f"birlikte: {service} has no dead-letter queue yet: its worker declares it when it first "
                   "consumes (a service that consumes nothing has no dead letters)", err=True)
        sys.exit(1)
    except (OperationalError, ConnectionError) as exc:
        click.echo(f"birlikte: cannot reach the broker: {exc}", err=True)
        sys.exit(1)


@deadletters.command("list")
@click.argument("service", type=SERVICE)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
def deadletters_list(service: str, as_json: bool) -> None:
    from shared.bus.deadletters import list_dead
    settings = load_settings()
    with _broker_errors(service):
        messages = list_dead(settings, service)
    for message in messages:
        if as_json:
            click.echo(json.dumps(message, default=str))
        else:
            click.echo(f"{message['id']}  {message['type']}  attempts={message['attempts']}  error={message['error']}")
    if not as_json:
        click.echo(f"{len(messages)} dead letter(s) for {service}", err=True)


@deadletters.command("replay")
@click.argument("service", type=SERVICE)
@click.option("--id", "ids", multiple=True, help="Message id to replay (repeatable).")
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead letter of the service.")
def deadletters_replay(service: str, ids: tuple[str, ...], replay_all: bool) -> None:
    """Put dead letters back on the service's queue."""
    from shared.bus.deadletters import replay
    if bool(ids) == replay_all:
        raise click.UsageError("give either --id ID (repeatable) or --all")
    settings = load_settings()
    with _broker_errors(service):
        count = replay(settings, service, ids=list(ids) or None)
    click.echo(f"replayed {count} message(s) to {service}")


@cli.group("keys")
def signing_keys() -> None:
    """The registry's token signing keys: list them, rotate them, make a key-encryption key."""


@signing_keys.command("new-kek")
def keys_new_kek() -> None:
    """Print a new key-encryption key for BIRLIKTE_KEY_ENCRYPTION_KEY (keep it as a secret)."""
    from services.registry.keys import new_encryption_key
    click.echo(new_encryption_key())


@signing_keys.command("list")
def keys_list() -> None:
    """Every signing key with its state: next (published), active (signs), retired (until expiry)."""
    from shared.db import connect
    from services.registry.keys import listing
    with connect(load_settings(), "registry") as conn, conn.cursor() as cur:
        for key in listing(cur):
            until = f"  until {key['expires_at']:%Y-%m-%d %H:%M} UTC" if key["expires_at"] else ""
            click.echo(f"{key['kid']}  {key['state']:<8} since {key['since']:%Y-%m-%d %H:%M} UTC{until}")


@signing_keys.command("rotate")
def keys_rotate() -> None:
    """One step of the rotation: publish the next key, or (once published long enough) let it sign
    and retire the current one until its last token has expired."""
    from shared.db import connect
    from shared.errors import Conflict
    from services.registry.keys import rotate
    settings = load_settings()
    with connect(settings, "registry") as conn, conn.cursor() as cur:
        try:
            steps = rotate(cur, settings)
        except Conflict as exc:
            click.echo(f"birlikte: {exc.detail}", err=True)
            sys.exit(1)
        conn.commit()
    for step in steps:
        click.echo(step)


@cli.group()
def clients() -> None:
    """The platform's own apps as clients of the registry (partners' clients are made through the API)."""


@clients.command("register-web")
def clients_register_web() -> None:
    """Register the web app (BIRLIKTE_WEB_CLIENT_ID) with its callback at BIRLIKTE_WEB_URL. Its secret
    is BIRLIKTE_WEB_CLIENT_SECRET when set; else a new one is made and printed, this once."""
    from shared.cli import ops
    settings = load_settings()
    secret = ops.register_web_client(settings, secret=settings.web_client_secret)
    click.echo(f"registered {settings.web_client_id}: {settings.web_url.rstrip('/')}/auth/callback", err=True)
    if secret and not settings.web_client_secret:
        click.echo("its secret, shown once (set it as BIRLIKTE_WEB_CLIENT_SECRET of the web app):", err=True)
        click.echo(secret)


@clients.command("register-native")
def clients_register_native() -> None:
    """Register the public client `birlikte-cli` for native and command-line apps (PKCE, loopback redirects)."""
    from shared.cli import ops
    ops.register_native_client(load_settings())
    click.echo(f"registered {ops.NATIVE_CLIENT_ID}: public, PKCE S256, redirects {', '.join(ops.NATIVE_REDIRECTS)} "
               "on any port")


@cli.group("translations")
def page_translations() -> None:
    """The pages' Turkish catalogs (in the source tree): update from the sources, compile, check."""


@page_translations.command("update")
def translations_update() -> None:
    """Add the texts the sources have and the catalogs lack (then write their Turkish in the .po)."""
    from shared.cli import catalogs
    for line in catalogs.update():
        click.echo(line)


@page_translations.command("compile")
def translations_compile() -> None:
    """Write the .mo files the apps read, from the .po files."""
    from shared.cli import catalogs
    for line in catalogs.compile_all():
        click.echo(line)


@page_translations.command("check")
def translations_check() -> None:
    """Exit 1, saying what, when a text has no Turkish or a .mo is stale."""
    from shared.cli import catalogs
    problems = catalogs.check()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("every text of the pages has its Turkish; the .mo files are compiled")


@cli.command()
def demo() -> None:
    """Load each service's demo data (idempotent)."""
    from shared.cli import ops
    for name, counts in ops.load_demo(load_settings()):
        click.echo(f"{name}: {counts}")


@cli.command()
@click.option("--role", "roles", multiple=True, default=("coordinator",), show_default=True,
              type=click.Choice(["coordinator", "org_admin", "member", "partner_client"]))
@click.option("--subject", help="The token's subject (default: dev-<first role>).")
@click.option("--admin-of", multiple=True, metavar="ORG", help="Organization id the bearer administers.")
@click.option("--member-of", multiple=True, metavar="ORG", help="Organization id the bearer belongs to.")
@click.option("--scope", "scopes", multiple=True, help="OAuth2 scope (repeatable).")
@click.option("--organization", metavar="ORG", help="A partner client's own organization id.")
@click.option("--lifetime", type=click.IntRange(1), help="Seconds (default BIRLIKTE_TOKEN_LIFETIME_SECONDS).")
@click.option("--state-dir", default=".birlikte", show_default=True, type=click.Path(file_okay=False),
              help="Where `birlikte up` keeps its dev keys.")
def token(roles, subject, admin_of, member_of, scopes, organization, lifetime, state_dir) -> None:
    """Mint a development bearer token with the built-in issuer's private key.

    The key comes from BIRLIKTE_JWT_PRIVATE_KEY, or else from the dev keys `birlikte up` keeps in
    .birlikte/.
    """
    from shared.auth.tokens import TokenIssuer
    from shared.cli import keys
    settings = keys.with_dev_keys(load_settings(), state_dir, create=False)
    if not settings.jwt_private_key:
        click.echo("birlikte: set BIRLIKTE_JWT_PRIVATE_KEY (or run `birlikte up` once to create dev keys)", err=True)
        sys.exit(2)
    click.echo(TokenIssuer(settings).issue(
        subject or f"dev-{roles[0]}", roles=roles, admin_of=admin_of, member_of=member_of,
        scopes=scopes, organization=organization, lifetime=lifetime))


@cli.command()
@click.option("--mode", type=click.Choice(["auto", "server", "embedded"]), default="auto", show_default=True,
              help="server: real PostgreSQL and RabbitMQ; embedded: pgserver and an in-memory bus.")
@click.option("--no-demo", is_flag=True, help="Do not load demo data.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the APIs listen on.")
@click.option("--port-base", type=click.IntRange(1, 65000), default=8000, show_default=True,
              help="Each service listens on port-base + its number (registry 1, events 2, notifications 3, archive 4).")
@click.option("--state-dir", default=".birlikte", show_default=True, type=click.Path(file_okay=False),
              help="Where dev signing keys and the embedded database live.")
def up(mode: str, no_demo: bool, host: str, port_base: int, state_dir: str) -> None:
    """Bring the whole platform up on this machine and serve it, with demo data."""
    from shared.cli import local
    sys.exit(local.up(mode=mode, demo=not no_demo, host=host, port_base=port_base, state_dir=state_dir))

