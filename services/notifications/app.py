"""The notifications service's HTTP application."""
from __future__ import annotations

from flask import Flask

from shared.config import Settings, load_settings
from shared.http.app import create_service_app
from services.notifications import SERVICE, unsubscribe
from services.notifications.api import inbox, preferences, webhooks


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    settings = settings or load_settings()
    unsubscribe.require_secret(settings)
    return create_service_app(settings, SERVICE.name, title=SERVICE.title, pool=pool,
                              blueprints=(inbox.blp, preferences.blp, webhooks.blp))
