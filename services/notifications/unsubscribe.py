"""Signed one-click unsubscribe links (RFC 8058): the link itself says who and from what."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from shared.config import ConfigError, Settings
from services.notifications.errors import InvalidLink

SALT = "birlikte-unsubscribe"


def _serializer(settings: Settings) -> URLSafeSerializer:
    if not settings.notifications_secret:
        raise ConfigError(["BIRLIKTE_NOTIFICATIONS_SECRET: required by the notifications service "
                           "(signs unsubscribe links)"])
    return URLSafeSerializer(settings.notifications_secret, salt=SALT)


def require_secret(settings: Settings) -> None:
    """Refuse to start without the signing secret, rather than fail at the first email."""
    _serializer(settings)


def token(settings: Settings, recipient_id, kind: str) -> str:
    return _serializer(settings).dumps([str(recipient_id), kind])


def url(settings: Settings, recipient_id, kind: str) -> str:
    return f"{settings.public_url.rstrip('/')}/unsubscribe/{token(settings, recipient_id, kind)}"


def read(settings: Settings, value: str) -> tuple[str, str]:
    """(recipient id, kind) from a token; InvalidLink when it was not signed by us."""
    try:
        recipient_id, kind = _serializer(settings).loads(value)
        return str(recipient_id), str(kind)
    except (BadSignature, ValueError, TypeError):
        raise InvalidLink() from None
