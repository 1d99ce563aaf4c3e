"""The registry's HTTP application: its API, the OpenID Connect provider, and the sign-in pages."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from shared import web
from shared.auth.tokens import TokenIssuer
from shared.config import Settings, load_settings
from shared.http.app import create_service_app
from services.registry import SERVICE
from services.registry.api import browser, clients, memberships, oauth, organizations, pages, partnerships, people
from services.registry.api import passkeys
from services.registry.api import directory, me, roles
from services.registry.api.oidc import Provider
from services.registry.keys import KeyRing
from services.registry.operations import sign_in

TRANSLATIONS = Path(__file__).parent / "translations"


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    settings = settings or load_settings()
    sign_in.keyed(settings, "check")  # refuse to start without the secret of its cookies and codes
    app = create_service_app(
        settings, SERVICE.name, title=SERVICE.title, pool=pool,
        blueprints=(organizations.blp, people.blp, memberships.blp, partnerships.blp, clients.blp, oauth.blp, roles.blp, me.blp,
                    directory.blp))
    keys = KeyRing(settings, app.extensions["birlikte"]["pool"])  # refuses to start without the key-encryption key
    app.extensions["birlikte"]["verification_keys"] = keys.public
    app.extensions["registry_provider"] = Provider(app, settings, keys, TokenIssuer(settings, key=keys.signing),
                                                   browser_session_id=lambda: (browser.signed_in() or {}).get("id"))
    _pages(app, settings)
    return app


def _pages(app: Flask, settings: Settings) -> None:
    app.secret_key = settings.registry_secret
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_CHECK_DEFAULT=False,
                      SESSION_COOKIE_SECURE=settings.registry_url.startswith("https://"))
    pages.csrf.init_app(app)
    web.install(app, translations=TRANSLATIONS, form_targets=lambda: _client_origins(settings))
    app.register_blueprint(pages.pages)
    app.register_blueprint(passkeys.passkeys)


def _client_origins(settings: Settings) -> list[str]:
    """Where a sign-in form may lead on to: the web app (its callback) — CSP's form-action also
    governs the redirects that follow a form."""
    return [settings.web_url.rstrip("/")]
