"""What a view needs of the service it runs in (inside a request)."""
from __future__ import annotations

from flask import current_app

from shared.config import Settings


def settings() -> Settings:
    return current_app.extensions["birlikte"]["settings"]


def extension(name: str, make):
    """A per-app object built on first use (a storage client, say), kept with the app."""
    state = current_app.extensions["birlikte"]
    if name not in state:
        state[name] = make(state["settings"])
    return state[name]


def public_url(path: str) -> str:
    """The absolute URL of `path` at this service's configured public address (not from Host)."""
    state = current_app.extensions["birlikte"]
    return state["settings"].url_of(state["service"]) + path
