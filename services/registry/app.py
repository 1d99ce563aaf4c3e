"""The registry's HTTP application."""
from __future__ import annotations

from flask import Flask

from shared.auth.tokens import TokenIssuer
from shared.config import Settings, load_settings
from shared.http.app import create_service_app
from services.registry import SERVICE
from services.registry.api import clients, memberships, oauth, organizations, partnerships, people


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    settings = settings or load_settings()
    app = create_service_app(
        settings, SERVICE.name, title=SERVICE.title, pool=pool,
        blueprints=(organizations.blp, people.blp, memberships.blp, partnerships.blp, clients.blp, oauth.blp))
    if settings.jwt_private_key:
        app.extensions["registry_issuer"] = TokenIssuer(settings)
    return app
