"""What the web app consumes: nothing. It reads through the services' APIs."""
from __future__ import annotations

from shared.config import Settings


def subscriptions(settings: Settings) -> dict:
    return {}
