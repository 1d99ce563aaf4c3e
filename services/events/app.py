"""The events service's HTTP application."""
from __future__ import annotations

from flask import Flask

from shared.config import Settings, load_settings
from shared.http.app import create_service_app
from services.events import SERVICE
from services.events.api import (calendars, events, feedback, imports, managed, partners, placements, registrations,
                                 series, topics)


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    return create_service_app(
        settings or load_settings(), SERVICE.name, title=SERVICE.title, pool=pool,
        blueprints=(events.blp, registrations.blp, registrations.mine, feedback.blp, series.blp, topics.blp,
                    placements.blp, partners.blp, imports.blp, calendars.blp, managed.blp))
