"""Development keys and secrets: created once in the state directory, reused by every process."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.config import Settings

DEFAULT_STATE_DIR = ".birlikte"
PRIVATE, PUBLIC = "jwt-private.pem", "jwt-public.pem"
NOTIFICATIONS_SECRET = "notifications-secret"
REGISTRY_SECRET = "registry-secret"
KEY_ENCRYPTION_KEY = "key-encryption-key"
WEB_SECRET = "web-secret"
WEB_CLIENT_SECRET = "web-client-secret"


def ensure_dev_keys(state_dir: str | os.PathLike) -> tuple[str, str]:
    """(private PEM, public PEM) from `state_dir`, generating the pair the first time."""
    directory = Path(state_dir)
    private_path, public_path = directory / PRIVATE, directory / PUBLIC
    if not private_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        # Written 0600 from the start: a signing key should never be readable by others, even briefly.
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private)
        public_path.unlink(missing_ok=True)
    if not public_path.exists():
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
        public_path.write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path.read_text(), public_path.read_text()


def public_from_private(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def with_dev_keys(settings: Settings, state_dir: str | os.PathLike = DEFAULT_STATE_DIR, *,
                  create: bool = True) -> Settings:
    """Settings with signing keys: the configured ones win; otherwise the dev pair in `state_dir`."""
    private, public = settings.jwt_private_key, settings.jwt_public_key
    # A configured public key without its private key means another issuer: never mix in ours.
    if not private and not public and (create or (Path(state_dir) / PRIVATE).exists()):
        private, public = ensure_dev_keys(state_dir)
    if private and not public and not settings.jwks_url:
        public = public_from_private(private)
    def dev(value, name, make=lambda: secrets.token_urlsafe(32)):
        return value or (_dev_secret(state_dir, name, make) if create else None)
    return settings.replace(
        jwt_private_key=private, jwt_public_key=public,
        notifications_secret=dev(settings.notifications_secret, NOTIFICATIONS_SECRET),
        registry_secret=dev(settings.registry_secret, REGISTRY_SECRET),
        key_encryption_key=dev(settings.key_encryption_key, KEY_ENCRYPTION_KEY, lambda: Fernet.generate_key().decode()),
        web_secret=dev(settings.web_secret, WEB_SECRET),
        web_client_secret=dev(settings.web_client_secret, WEB_CLIENT_SECRET))


def _dev_secret(state_dir: str | os.PathLike, name: str, make) -> str:
    """A development secret (unsubscribe links, the registry's and the web app's cookies, the key
    encryption, the web app's client secret), kept beside the dev keys, readable by its owner only."""
    path = Path(state_dir) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()
