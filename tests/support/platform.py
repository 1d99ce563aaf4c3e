"""The whole platform for the browser tests, as `birlikte up` runs it in one process: every
service's API on a port of its own and its worker, a database and a bus exchange of its own
(nothing of the other tests' rows or messages reaches it), a real SMTP server keeping the mail,
and the web app registered at the registry as its client."""
from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psycopg
import requests
from psycopg import sql

from services import SERVICES, service
from shared.auth.tokens import TokenIssuer
from shared.cli import ops
from shared.config import Settings
from shared.db import open_pool
from tests.support.identity import Served
from tests.support.smtp import SmtpServer, free_port


@dataclass
class Platform:
    settings: Settings
    smtp: SmtpServer
    urls: dict[str, str]
    pools: dict = field(default_factory=dict)
    _running: list = field(default_factory=list)

    @property
    def web(self) -> str:
        return self.urls["web"]

    @property
    def mailbox(self):
        return self.smtp.mailbox

    def connection(self, name: str):
        """A connection as service `name`'s own role, committing when the `with` ends."""
        return self.pools[name].connection()

    def token(self, subject: str = "tests", **claims) -> str:
        """A token of the platform's issuer (a coordinator's, unless `roles` says otherwise)."""
        claims.setdefault("roles", ("coordinator",))
        return TokenIssuer(self.settings).issue(subject, **claims)

    def api(self, method: str, service: str, path: str, *, token: str | None = None, **kwargs) -> requests.Response:
        """A service's API called directly (what a test arranges before the browser looks)."""
        headers = {"Authorization": f"Bearer {token or self.token()}", **kwargs.pop("headers", {})}
        return requests.request(method, self.urls[service] + path, headers=headers, timeout=30, **kwargs)

    def stop(self) -> None:
        for part in reversed(self._running):
            part()
        for pool in self.pools.values():
            pool.close()
        self.smtp.stop()
        shutil.rmtree(self.settings.archive_dir, ignore_errors=True)


def start(base: Settings, postgres_url: str, tag: str) -> Platform:
    database = _database(postgres_url, f"birlikte_test_{tag}_web")
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://localhost:{port}" for name, port in ports.items()}
    smtp = SmtpServer().start()
    settings = base.replace(
        database_url=database, service_database_urls={},
        bus_exchange=f"{base.bus_exchange}.web", bus_queue_prefix=f"{base.bus_queue_prefix}.web",
        registry_url=urls["registry"], events_url=urls["events"], notifications_url=urls["notifications"],
        archive_url=urls["archive"], web_url=urls["web"], public_url=urls["notifications"],
        smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_starttls=False,
        web_secret=secrets.token_urlsafe(32), web_client_secret=secrets.token_urlsafe(32),
        archive_dir=tempfile.mkdtemp(prefix="birlikte-web-archive-"),  # the recordings uploaded go with the run
        # every test's browser comes from 127.0.0.1, and the demo people sign in many times a run
        sign_in_client_limit=100_000, sign_in_limit=100_000,
        webhook_allow_private=True)  # the tests' partner systems listen on 127.0.0.1
    list(ops.migrate_services(settings))
    list(ops.declare_topology(settings))
    platform = Platform(settings, smtp, urls)
    for name in SERVICES:
        platform.pools[name] = open_pool(settings, name, min_size=1, max_size=8)
    ops.register_web_client(settings, secret=settings.web_client_secret)
    for name in SERVICES:
        served = Served(service(name).create_app(settings, pool=platform.pools[name]), ports[name]).__enter__()
        platform._running.append(served.__exit__)
        worker = service(name).create_worker(settings).start()
        platform._running.append(worker.stop)
    return platform


def _database(postgres_url: str, name: str) -> str:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlsplit(postgres_url)._replace(path="/" + name).geturl()


def drop(postgres_url: str, database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
