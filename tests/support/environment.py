"""Settings handed to a child process the way operators hand them: environment variables."""
from __future__ import annotations

import os

from shared.config import Settings, settings_environment


def as_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIRLIKTE_")}
    return {**env, **settings_environment(settings)}
