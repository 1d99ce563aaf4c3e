"""`birlikte up`: the whole platform on one machine, with whatever servers this machine has.

Server mode: the PostgreSQL and RabbitMQ that configuration names (or that answer on localhost);
each service's API (`birlikte serve`) and worker (`birlikte worker`) run as child processes.
Embedded mode: where PostgreSQL is missing, an embedded one (pgserver, on a Unix socket);
where RabbitMQ is missing, kombu's in-memory transport. That transport exists inside one
process only, so then every API and worker runs in this process, in threads.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import urlsplit

from services import SERVICES, service
from shared.cli import keys, ops
from shared.cli.serving import port_for
from shared.config import PREFIX, Settings, load_settings, settings_environment

MEMORY_BROKER = "memory://"
READY_TIMEOUT = 60.0
MAIL_PORT_OFFSET = 25  # the mail catcher listens on port-base + 25 (8025 by default)
STOP_TIMEOUT = 15.0


class Unavailable(Exception):
    """A server the chosen mode needs does not answer."""


def say(text: str = "", *, err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


def up(*, mode: str, demo: bool, host: str, port_base: int, state_dir: str) -> int:
    state = Path(state_dir).resolve()
    base = load_settings()
    try:
        database_url, database_note = _choose_database(base, mode, state)
        broker_url, broker_note = _choose_broker(base, mode)
    except Unavailable as exc:
        say(f"birlikte up: {exc}", err=True)
        return 1
    embedded_db = database_url != base.database_url
    settings = base.replace(database_url=database_url, broker_url=broker_url,
                            # DSNs configured for another server do not apply to the embedded one
                            service_database_urls={} if embedded_db else base.service_database_urls)
    settings = _addresses(keys.with_dev_keys(settings, state), host, port_base)
    in_process = broker_url.startswith(MEMORY_BROKER)
    embedded = in_process or embedded_db
    label = "embedded mode" if embedded else "server mode"
    say(f"birlikte up: {label}")
    say(f"  database: {database_note}")
    say(f"  bus:      {broker_note}")
    say("  processes: " + ("every service's API and worker in this one process (the in-memory bus is per process)"
                           if in_process else "each service's API and worker as processes of their own"))
    catch_mail = PREFIX + "SMTP_HOST" not in os.environ
    busy = _busy_ports(host, port_base, with_mail=catch_mail)
    if busy:
        say(f"birlikte up: port(s) {', '.join(map(str, busy))} on {host} are in use "
            "(is Birlikte already running? choose others with --port-base)", err=True)
        return 1
    settings, mail_note = _choose_mail(settings, state, port_base + MAIL_PORT_OFFSET if catch_mail else None)
    say(f"  mail:     {mail_note}")
    try:
        _prepare(settings, demo)
        serve = _serve_in_process if in_process else _serve_children
        return serve(settings, host, port_base, label, demo)
    except KeyboardInterrupt:
        say("birlikte up: interrupted")
        return 130


def _addresses(settings: Settings, host: str, port_base: int) -> Settings:
    """Where this machine's services and web app answer, unless configured: the issuer and its
    JWKS (every service verifies through it, so that `birlikte keys rotate` works here too), the
    APIs the web app calls, the web app. The registry is named `localhost`, not an address:
    browsers accept passkeys only for a host name (and localhost is secure without TLS)."""
    registry = _base_url(host, port_for("registry", port_base)).replace("127.0.0.1", "localhost")
    chosen = {"registry_url": registry, "web_url": _base_url(host, port_base),
              **{f"{name}_url": _base_url(host, port_for(name, port_base))
                 for name in ("events", "notifications", "archive")}}
    chosen = {name: value for name, value in chosen.items() if PREFIX + name.upper() not in os.environ}
    if PREFIX + "JWKS_URL" not in os.environ:
        chosen["jwks_url"] = f"{chosen.get('registry_url', settings.registry_url)}/.well-known/jwks.json"
    return settings.replace(**chosen)


def _choose_database(base: Settings, mode: str, state: Path) -> tuple[str, str]:
    explicit = "BIRLIKTE_DATABASE_URL" in os.environ
    if mode != "embedded":
        problem = ops.postgres_problem(base.database_url)
        if problem is None:
            return base.database_url, f"PostgreSQL at {ops.redact(base.database_url)}"
        if mode == "server" or explicit:
            raise Unavailable(f"PostgreSQL at {ops.redact(base.database_url)} does not answer: {problem}"
                              " (start it, or use --mode embedded)")
    state.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR; irrelevant here
            import pgserver
            server = pgserver.get_server(state / "pgdata", cleanup_mode="stop")  # stopped when we exit
    except Exception as exc:  # pgserver fails in many ways (disk, permissions, platform); say it plainly
        raise Unavailable(f"the embedded PostgreSQL (pgserver) did not start in {state / 'pgdata'}: "
                          f"{type(exc).__name__}: {exc}") from exc
    url = urlsplit(server.get_uri())._replace(path="/" + ops.database_name(base.database_url)).geturl()
    return url, f"embedded PostgreSQL (pgserver, data in {state / 'pgdata'}, stopped on exit)"


def _choose_broker(base: Settings, mode: str) -> tuple[str, str]:
    explicit = "BIRLIKTE_BROKER_URL" in os.environ
    if base.broker_url.startswith(MEMORY_BROKER) and mode != "server":
        return MEMORY_BROKER, "in-memory (kombu memory://), as configured"
    if mode != "embedded":
        problem = ops.broker_problem(base.broker_url)
        if problem is None:
            return base.broker_url, f"RabbitMQ at {ops.redact(base.broker_url)}"
        if mode == "server" or explicit:
            raise Unavailable(f"RabbitMQ at {ops.redact(base.broker_url)} does not answer: {problem}"
                              " (start it, or use --mode embedded)")
    return MEMORY_BROKER, "in-memory (kombu memory://): no RabbitMQ here; messages live only in this process"


def _choose_mail(settings: Settings, state: Path, catcher_port: int | None) -> tuple[Settings, str]:
    """The configured SMTP server, or a catcher that keeps each email as a file in the state directory."""
    if catcher_port is None:
        return settings, f"SMTP at {settings.smtp_host}:{settings.smtp_port}"
    from shared.cli import mailcatcher
    directory = state / "mail"
    _controller, port = mailcatcher.start(directory, port=catcher_port,  # a daemon thread; ends with this process
                                          on_sign_in=lambda to, code: say(f"  sign-in code for {to}: {code}"))
    return (settings.replace(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, dev_mail_dir=str(directory)),
            f"no SMTP server configured: emails are kept as .eml files in {directory}, "
            f"listed at {settings.web_url.rstrip('/')}/dev/mail")


def _busy_ports(host: str, port_base: int, *, with_mail: bool) -> list[int]:
    busy = []
    ports = [port_for(name, port_base) for name in SERVICES] + ([port_base + MAIL_PORT_OFFSET] if with_mail else [])
    for port in ports:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError:
                busy.append(port)
    return busy


def _prepare(settings: Settings, demo: bool) -> None:
    if ops.ensure_database(settings.database_url):
        say(f"  created database {ops.database_name(settings.database_url)}")
    for name, applied in ops.migrate_services(settings):
        say(f"  migrated {name}: " + (", ".join(applied) if applied else "up to date"))
    for name, patterns in ops.declare_topology(settings):
        say(f"  bus queue of {name} bound to {', '.join(patterns)}")
    ops.register_web_client(settings, secret=settings.web_client_secret)
    ops.register_native_client(settings)
    say(f"  the web app is the registry's client {settings.web_client_id}, signing in at {settings.web_url}")
    if demo:
        for name, counts in ops.load_demo(settings):
            say(f"  demo data for {name}: " + ", ".join(f"{v} new {k}" for k, v in counts.items()))


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _base_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    return f"http://{shown}:{port}"


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_ready(urls: list[str], dead, stop: threading.Event) -> str | None:
    """None once every API answers /readyz, else why not: a part died, a signal, or the time ran out."""
    deadline = time.monotonic() + READY_TIMEOUT
    pending = list(urls)
    while pending:
        if stop.is_set():
            return "stopping"
        part = dead()
        if part:
            return f"{part} stopped before the platform was ready"
        if time.monotonic() > deadline:
            return f"not ready within {READY_TIMEOUT:.0f} s: {', '.join(pending)} (see the log above)"
        pending = [url for url in pending if not _ready(url)]
        if pending:
            stop.wait(0.3)
    return None


def _watch(urls: dict[str, str], dead, stop: threading.Event, settings: Settings, label: str, demo: bool) -> int:
    """Wait until ready, say where everything is, then until a signal (0) or a dead part (1)."""
    problem = _wait_ready(list(urls.values()), dead, stop)
    if problem == "stopping":
        return 0
    if problem:
        say(f"birlikte up: {problem}; stopping the rest", err=True)
        return 1
    _banner(settings, urls, label, demo)
    while not stop.wait(0.5):
        part = dead()
        if part:
            say(f"birlikte up: {part} stopped; stopping the rest", err=True)
            return 1
    say("birlikte up: stopping")
    return 0


DEMO_PEOPLE = (  # who to sign in as, to see the platform as each kind of person sees it
    ("a coordinator (STGM)", "ayse.yilmaz@stgm.example"),
    ("an organization admin (Kadın Eşitlik Platformu)", "zeynep.arslan@kadin.example"),
    ("a member (Mülteci Destek Ağı)", "ahmad.haddad@multeci.example"),
    ("a guest expert (Cork Community Rights Network)", "ciaran.obrien@corkrights.example"),
)


def _banner(settings: Settings, urls: dict[str, str], mode: str, demo: bool) -> None:
    from shared.auth.tokens import TokenIssuer
    say(f"\nBirlikte is up ({mode}).")
    say(f"\n  open {urls['web']}\n")
    if demo:
        say("Sign in with an email address of the demo community; the code is printed here as it is sent:")
        for who, address in DEMO_PEOPLE:
            say(f"  {address:<36} {who}")
        say("")
    for name, url in urls.items():
        if name != "web":
            say(f"  {name:<13} {url}   docs {url}/docs   OpenAPI {url}/openapi.json")
    token = TokenIssuer(settings).issue("dev-coordinator", roles=("coordinator",))
    say(f"\nFor scripts, a coordinator token valid {settings.token_lifetime_seconds} s "
        "(more with `birlikte token --role ...`):")
    say(f"  {token}")
    say(f"\n  curl -H 'Authorization: Bearer <token>' {urls['registry']}/organizations")
    say("\nPress Ctrl-C to stop.")


def _child_env(settings: Settings) -> dict[str, str]:
    """Our environment with the chosen servers and keys as BIRLIKTE_* variables, DSNs spelled out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    env.update(settings_environment(settings))
    for name in SERVICES:
        env[f"{PREFIX}{name.upper()}_DATABASE_URL"] = settings.database_url_for(name)
    return env


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if `birlikte up` itself is killed without a chance to clean up."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve_children(settings: Settings, host: str, port_base: int, label: str, demo: bool) -> int:
    import subprocess
    env, python = _child_env(settings), sys.executable
    commands = {}
    for name in SERVICES:
        commands[f"{name}-api"] = [python, "-m", "shared.cli", "serve", name, "--bind", host,
                                   "--port", str(port_for(name, port_base)), "--workers", "1"]
        commands[f"{name}-worker"] = [python, "-m", "shared.cli", "worker", name]
    stop = _stop_on_signals()
    children: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands.items():
            children[name] = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                                               preexec_fn=_die_with_parent if sys.platform == "linux" else None)
            say(f"  started {name} (pid {children[name].pid})")
        urls = {name: _base_url(host, port_for(name, port_base)) for name in SERVICES}

        def dead() -> str | None:
            for name, child in children.items():
                if child.poll() is not None:
                    return f"{name} (exit code {child.returncode})"
            return None
        return _watch(urls, dead, stop, settings, label, demo)
    finally:
        _terminate(children)


def _terminate(children: dict) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for label, child in children.items():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except Exception:  # TimeoutExpired: it had its chance
            say(f"birlikte up: {label} did not stop in {STOP_TIMEOUT:.0f} s; killing it", err=True)
            child.kill()
            child.wait()


def _serve_in_process(settings: Settings, host: str, port_base: int, label: str, demo: bool) -> int:
    from werkzeug.serving import make_server

    from shared.logging import configure_logging
    configure_logging(settings, "birlikte")
    stop = _stop_on_signals()
    servers, workers, threads, urls = [], [], {}, {}
    try:
        for name in SERVICES:
            port = port_for(name, port_base)
            server = make_server(host, port, service(name).create_app(settings), threaded=True)
            servers.append(server)
            threads[f"{name} API"] = threading.Thread(target=server.serve_forever, name=f"{name}-api", daemon=True)
            threads[f"{name} API"].start()
            workers.append(service(name).create_worker(settings).start())
            urls[name] = _base_url(host, port)
        def dead() -> str | None:
            return next((name for name, thread in threads.items() if not thread.is_alive()), None)
        return _watch(urls, dead, stop, settings, label, demo)
    finally:
        for server in servers:
            server.shutdown()
        for worker in workers:
            worker.stop()
