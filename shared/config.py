"""Configuration from environment variables, validated once at start.

Every problem is collected and reported together, one line per variable, so an operator fixes
a deployment in one pass instead of one stack trace at a time.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import urlsplit

PREFIX = "BIRLIKTE_"


class ConfigError(Exception):
    """Raised with every configuration problem found, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            raise ValueError(f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
        return value
    return parse


def _urls(schemes: tuple[str, ...]) -> Callable[[str], str]:
    """One URL or several, separated by spaces."""
    one = _url(schemes)

    def parse(value: str) -> str:
        if not value.split():
            raise ValueError("must name at least one URL")
        return " ".join(one(url) for url in value.split())
    return parse


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a whole number above zero")
    return number


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be a whole number, zero or more")
    return number


def _port(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 65535:
        raise ValueError("must be a port number (0 to turn it off)")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("must be a number above zero")
    return number


def _seconds_list(value: str) -> tuple[float, ...]:
    delays = tuple(_positive_float(part.strip()) for part in value.split(",") if part.strip())
    if not delays:
        raise ValueError("must list at least one delay in seconds, e.g. 1,5,30")
    return delays


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value
    return parse


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _words(value: str) -> tuple[str, ...]:
    return tuple(w for w in value.replace(",", " ").split() if w)


def _text(value: str) -> str:
    return value


def _pem(value: str) -> str:
    # Environments often carry PEM keys with literal "\n"; accept both forms.
    text = value.replace("\\n", "\n").strip()
    if not text.startswith("-----BEGIN"):
        raise ValueError("must be a PEM-encoded key (starting with -----BEGIN)")
    return text + "\n"


def _setting(env: str, parse: Callable[[str], object] = _text, default: object = None, doc: str = ""):
    return field(default=default, metadata={"env": env, "parse": parse, "doc": doc})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "DATABASE_URL", _url(("postgresql", "postgres")), "postgresql://postgres@localhost:5432/birlikte",
        "administrative DSN: creates schemas and roles, applies migrations")
    service_database_urls: Mapping[str, str] = field(default_factory=dict)
    db_role_prefix: str = _setting("DB_ROLE_PREFIX", _text, "birlikte_", "prefix of each service's Postgres role")
    db_pool_min: int = _setting("DB_POOL_MIN", _positive_int, 1)
    db_pool_max: int = _setting("DB_POOL_MAX", _positive_int, 10)
    db_wait_seconds: float = _setting("DB_WAIT_SECONDS", _positive_float, 5.0,
                                      "how long a request waits for a free connection before answering 503")
    db_statement_timeout_seconds: float = _setting(
        "DB_STATEMENT_TIMEOUT_SECONDS", _positive_float, 30.0, "a statement running longer is cancelled (503)")
    db_lock_timeout_seconds: float = _setting(
        "DB_LOCK_TIMEOUT_SECONDS", _positive_float, 5.0, "a statement waiting longer for a lock gives up (503)")
    broker_url: str = _setting(
        "BROKER_URL", _url(("amqp", "amqps", "memory")), "amqp://guest:guest@localhost:5672//",
        "RabbitMQ URL, or memory:// for the all-in-one mode")
    bus_exchange: str = _setting("BUS_EXCHANGE", _text, "birlikte", "the topic exchange every service publishes to")
    bus_queue_prefix: str = _setting("BUS_QUEUE_PREFIX", _text, "birlikte", "prefix of every queue name")
    bus_prefetch: int = _setting("BUS_PREFETCH", _positive_int, 32)
    bus_retry_delays: tuple[float, ...] = _setting(
        "BUS_RETRY_DELAYS", _seconds_list, (1.0, 5.0, 30.0), "growing retry delays in seconds, comma-separated")
    relay_batch: int = _setting("RELAY_BATCH", _positive_int, 500)
    worker_health_port: int = _setting(
        "WORKER_HEALTH_PORT", _port, 0,
        "a worker answers /healthz here (200, or 503 naming what is not working: a consumer not consuming); 0: off")
    relay_poll_seconds: float = _setting("RELAY_POLL_SECONDS", _positive_float, 1.0)
    registry_url: str = _setting(
        "REGISTRY_URL", _url(("http", "https")), "http://127.0.0.1:8001",
        "where people and systems reach the registry: the OpenID Connect issuer and its endpoints")
    web_url: str = _setting("WEB_URL", _url(("http", "https")), "http://127.0.0.1:8000",
                            "where people reach the web app (its sign-in callback, links in emails)")
    events_url: str = _setting("EVENTS_URL", _url(("http", "https")), "http://127.0.0.1:8002",
                               "where the web app reaches the events API")
    notifications_url: str = _setting("NOTIFICATIONS_URL", _url(("http", "https")), "http://127.0.0.1:8003",
                                      "where the web app reaches the notifications API")
    archive_url: str = _setting("ARCHIVE_URL", _url(("http", "https")), "http://127.0.0.1:8004",
                                "where the web app reaches the archive API")
    web_secret: str | None = _setting("WEB_SECRET", _text, None,
                                      "signs the web app's cookies and encrypts the tokens it keeps; web only")
    web_client_id: str = _setting("WEB_CLIENT_ID", _text, "birlikte-web", "the web app's OAuth client at the registry")
    web_client_secret: str | None = _setting("WEB_CLIENT_SECRET", _text, None,
                                             "the web app's client secret (`birlikte clients register-web` shows it once)")
    dev_mail_dir: str | None = _setting(
        "DEV_MAIL_DIR", _text, None,
        "development only: the local mail catcher's folder of .eml files, which the web app then lists at /dev/mail "
        "(`birlikte up` sets it when it runs the catcher); never set it in production")
    jwt_issuer: str | None = _setting(
        "JWT_ISSUER", _text, None, "the issuer tokens must carry; default BIRLIKTE_REGISTRY_URL (another OIDC provider's)")
    jwt_audience: str = _setting("JWT_AUDIENCE", _text, "birlikte")
    jwt_algorithms: tuple[str, ...] = _setting("JWT_ALGORITHMS", _words, ("RS256",))
    jwt_private_key: str | None = _setting(
        "JWT_PRIVATE_KEY", _pem, None, "PEM private key of the built-in issuer (registry only)")
    jwt_public_key: str | None = _setting("JWT_PUBLIC_KEY", _pem, None, "PEM public key tokens are verified with")
    jwks_url: str | None = _setting(
        "JWKS_URL", _urls(("http", "https")), None,
        "the JWKS tokens are verified with, several separated by spaces (another OIDC provider's, and the "
        "registry's for its partner clients' tokens); replaces JWT_PUBLIC_KEY")
    token_lifetime_seconds: int = _setting("TOKEN_LIFETIME_SECONDS", _positive_int, 300,
                                           "how long an access token lives (refresh tokens keep a session going)")
    refresh_token_days: int = _setting("REFRESH_TOKEN_DAYS", _positive_int, 30,
                                       "a signed-in session ends after this many days without use")
    key_encryption_key: str | None = _setting(
        "KEY_ENCRYPTION_KEY", _text, None,
        "encrypts the registry's signing keys at rest (a Fernet key: `birlikte keys new-kek`); registry only")
    registry_secret: str | None = _setting(
        "REGISTRY_SECRET", _text, None, "signs the registry's browser cookies and form tokens; registry only")
    sign_in_code_seconds: int = _setting("SIGN_IN_CODE_SECONDS", _positive_int, 600,
                                         "how long an emailed sign-in code and link work")
    sign_in_limit: int = _setting("SIGN_IN_LIMIT", _positive_int, 5,
                                  "sign-in emails one address may ask for per window (then 429)")
    sign_in_client_limit: int = _setting("SIGN_IN_CLIENT_LIMIT", _positive_int, 30,
                                         "sign-in and code attempts one client address may make per window")
    token_limit: int = _setting("TOKEN_LIMIT", _positive_int, 60,
                                "token requests one client address may make per minute (then 429)")
    token_failure_limit: int = _setting("TOKEN_FAILURE_LIMIT", _positive_int, 10,
                                        "failed token requests (a wrong secret, a bad grant) one client may make "
                                        "per minute before even a right one waits (429)")
    sign_in_window_seconds: int = _setting("SIGN_IN_WINDOW_SECONDS", _positive_int, 900,
                                           "the window the sign-in limits count over")
    smtp_host: str = _setting("SMTP_HOST", _text, "localhost", "mail server notifications send through")
    smtp_port: int = _setting("SMTP_PORT", _positive_int, 25)
    smtp_starttls: bool = _setting("SMTP_STARTTLS", _bool, False, "upgrade the SMTP connection with STARTTLS")
    smtp_ca_file: str | None = _setting("SMTP_CA_FILE", _text, None,
                                        "CA bundle to trust for STARTTLS (a private mail relay); default: the system's")
    smtp_username: str | None = _setting("SMTP_USERNAME", _text, None)
    smtp_password: str | None = _setting("SMTP_PASSWORD", _text, None)
    smtp_timeout_seconds: float = _setting("SMTP_TIMEOUT_SECONDS", _positive_float, 30.0)
    mail_from: str = _setting("MAIL_FROM", _text, "Birlikte <bildirim@birlikte.example>", "sender of every email")
    public_url: str = _setting("PUBLIC_URL", _url(("http", "https")), "http://127.0.0.1:8003",
                               "where people reach the notifications service (unsubscribe links)")
    notifications_secret: str | None = _setting(
        "NOTIFICATIONS_SECRET", _text, None, "signs unsubscribe links; required by the notifications service")
    notification_retry_delays: tuple[float, ...] = _setting(
        "NOTIFICATION_RETRY_DELAYS", _seconds_list, (30.0, 120.0, 600.0, 3600.0), "email retry delays in seconds")
    send_lease_seconds: float = _setting(
        "SEND_LEASE_SECONDS", _positive_float, 120.0, "after this, a send claimed by a dead worker is tried again")
    webhook_allow_private: bool = _setting(
        "WEBHOOK_ALLOW_PRIVATE", _bool, False, "allow webhook URLs on private or loopback addresses")
    webhook_retry_delays: tuple[float, ...] = _setting(
        "WEBHOOK_RETRY_DELAYS", _seconds_list, (5.0, 30.0, 120.0, 600.0, 1800.0, 7200.0),
        "webhook retry delays in seconds (each with random jitter)")
    webhook_max_failures: int = _setting(
        "WEBHOOK_MAX_FAILURES", _positive_int, 20, "consecutive failed deliveries before a subscription is disabled")
    webhook_timeout_seconds: float = _setting("WEBHOOK_TIMEOUT_SECONDS", _positive_float, 10.0)
    calendar_import_interval_seconds: float = _setting(
        "CALENDAR_IMPORT_INTERVAL_SECONDS", _positive_float, 900.0, "how often each partner's iCalendar feed is fetched")
    calendar_import_allow_private: bool = _setting(
        "CALENDAR_IMPORT_ALLOW_PRIVATE", _bool, False, "allow iCalendar feed URLs on private or loopback addresses")
    calendar_import_max_bytes: int = _setting(
        "CALENDAR_IMPORT_MAX_BYTES", _positive_int, 10 * 1024 * 1024, "the largest iCalendar feed fetched")
    calendar_import_timeout_seconds: float = _setting(
        "CALENDAR_IMPORT_TIMEOUT_SECONDS", _positive_float, 20.0, "how long a feed may take to arrive, in all")
    calendar_import_max_events: int = _setting(
        "CALENDAR_IMPORT_MAX_EVENTS", _positive_int, 2000,
        "the most events one feed may bring (each occurrence of a recurring event counts)")
    calendar_import_horizon_days: int = _setting(
        "CALENDAR_IMPORT_HORIZON_DAYS", _positive_int, 365, "how far ahead a recurring event's occurrences are imported")
    archive_storage: str = _setting("ARCHIVE_STORAGE", _choice("local", "s3"), "local",
                                    "where the archive keeps its files: local disk or an S3-compatible store")
    archive_dir: str = _setting("ARCHIVE_DIR", _text, ".birlikte/archive", "the local storage directory")
    archive_max_upload_bytes: int = _setting("ARCHIVE_MAX_UPLOAD_BYTES", _positive_int, 4 * 1024 ** 3,
                                             "largest file the archive accepts")
    s3_endpoint_url: str | None = _setting("S3_ENDPOINT_URL", _url(("http", "https")), None,
                                           "an S3-compatible endpoint (MinIO, Ceph…); unset for AWS")
    s3_bucket: str = _setting("S3_BUCKET", _text, "birlikte-archive")
    s3_region: str = _setting("S3_REGION", _text, "us-east-1")
    s3_access_key: str | None = _setting("S3_ACCESS_KEY", _text, None)
    s3_secret_key: str | None = _setting("S3_SECRET_KEY", _text, None)
    trusted_proxies: int = _setting(
        "TRUSTED_PROXIES", _count, 0,
        "how many proxies in front (the edge: 1) whose X-Forwarded-For/-Proto to believe; 0: none")
    metrics_token: str | None = _setting(
        "METRICS_TOKEN", _text, None,
        "the bearer token the operator's scraper sends for /metrics; unset: /metrics answers 404")
    log_level: str = _setting("LOG_LEVEL", _choice("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
    log_format: str = _setting("LOG_FORMAT", _choice("json", "text"), "json")

    def database_url_for(self, service: str) -> str:
        """The DSN a service connects with: its own role, which can touch only its own schema."""
        explicit = self.service_database_urls.get(service)
        if explicit:
            return explicit
        parts = urlsplit(self.database_url)
        host = parts.hostname or ""
        netloc = f"{self.db_role_prefix}{service}@{host}" + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()

    @property
    def issuer(self) -> str:
        """The issuer every token must carry (and the registry signs as)."""
        return self.jwt_issuer or self.registry_url.rstrip("/")

    def url_of(self, service: str) -> str:
        """Where people and systems reach `service` (its configured public address, never the
        request's Host header): the base of the absolute URLs it writes."""
        return {"registry": self.registry_url, "events": self.events_url, "notifications": self.notifications_url,
                "archive": self.archive_url, "web": self.web_url}.get(service, self.registry_url).rstrip("/")

    def role_for(self, service: str) -> str:
        return f"{self.db_role_prefix}{service}"

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting: the CLI's `birlikte config` prints it."""
    rows = []
    for f in dataclasses.fields(Settings):
        if "env" in f.metadata:
            rows.append((PREFIX + f.metadata["env"], repr(f.default), f.metadata["doc"]))
    rows.append((PREFIX + "<SERVICE>_DATABASE_URL", "derived", "a service's own DSN (role and password)"))
    return rows


def settings_environment(settings: Settings) -> dict[str, str]:
    """The BIRLIKTE_* variables that reproduce `settings` (handing them to child processes)."""
    env = {}
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if "env" not in f.metadata or value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(str(v) for v in value)
        env[PREFIX + f.metadata["env"]] = str(value)
    for service, url in settings.service_database_urls.items():
        env[f"{PREFIX}{service.upper()}_DATABASE_URL"] = url
    return env


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every BIRLIKTE_* variable; raise ConfigError listing each problem."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    problems: list[str] = []
    for f in dataclasses.fields(Settings):
        name = f.metadata.get("env")
        if name is None or PREFIX + name not in environ:
            continue
        raw = environ[PREFIX + name]
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            problems.append(f"{PREFIX}{name}={raw!r}: {exc}")
    values["service_database_urls"] = _service_urls(environ, problems)
    if problems:
        raise ConfigError(problems)
    return Settings(**values)


def _service_urls(environ: Mapping[str, str], problems: list[str]) -> dict[str, str]:
    urls = {}
    for key, value in environ.items():
        if key.startswith(PREFIX) and key.endswith("_DATABASE_URL") and key != PREFIX + "DATABASE_URL":
            service = key[len(PREFIX):-len("_DATABASE_URL")].lower()
            try:
                urls[service] = _url(("postgresql", "postgres"))(value)
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
    return urls
