"""The archive's HTTP application."""
from __future__ import annotations

from flask import Flask

from shared.config import Settings, load_settings
from shared.http.app import create_service_app
from services.archive import SERVICE
from services.archive.api import files, items


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    return create_service_app(settings or load_settings(), SERVICE.name, title=SERVICE.title, pool=pool,
                              blueprints=(items.blp, files.blp))
