"""The web app's demo data: none of its own (it shows the other services' demo community)."""
from __future__ import annotations

from shared.config import Settings


def load(settings: Settings) -> dict[str, int]:
    return {}
