"""What the registry consumes: nothing. It is the source of its facts and listens to no one."""
from __future__ import annotations

from shared.config import Settings


def subscriptions(settings: Settings) -> dict:
    return {}
