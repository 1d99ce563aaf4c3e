"""The notifications service's HTTP application."""
from __future__ import annotations

from flask import Flask

from shared.config import Settings, load_settings
from shared.http.app import create_service_app
from services.notifications import NAME, unsubscribe
from services.notifications.api import inbox, preferences, webhooks


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    settings = settings or load_settings()
    unsubscribe.token(settings, "check", "check")  # refuse to start without the signing secret
    return create_service_app(settings, NAME, title="Birlikte notifications", pool=pool,
                              blueprints=(inbox.blp, preferences.blp, webhooks.blp))
