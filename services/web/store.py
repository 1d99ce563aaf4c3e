"""The web app's writes that are not a use case: its sessions' tokens, encrypted at rest."""
from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet

from shared.config import ConfigError, Settings


def _fernet(settings: Settings) -> Fernet:
    if not settings.web_secret:
        raise ConfigError(["BIRLIKTE_WEB_SECRET: required by the web app (signs its cookies, encrypts the tokens "
                           "it keeps)"])
    key = hashlib.sha256(b"birlikte-web-tokens:" + settings.web_secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(settings: Settings, tokens: dict) -> bytes:
    return _fernet(settings).encrypt(json.dumps(tokens).encode())


def unseal(settings: Settings, sealed: bytes) -> dict:
    return json.loads(_fernet(settings).decrypt(bytes(sealed)))
