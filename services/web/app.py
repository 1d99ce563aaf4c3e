"""The web app: pages for people, in Turkish and English, over the services' APIs."""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from flask import Blueprint, Flask, g, render_template, request
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from shared import web
from shared.config import Settings, load_settings
from shared.errors import DomainError
from shared.http.app import create_service_app
from shared.http.errors import status_of
from services.web import SERVICE, api, labels, store
from services.web.api import auth
from services.web.errors import ApiProblem, SignedOut

TRANSLATIONS = Path(__file__).parent / "translations"
# The areas of pages, each a module of services/web/api/ with its `blueprint`.
PAGES = ("auth", "program", "me", "topics", "manage", "archive", "inbox", "webhooks", "mail", "directory",
         "organization", "account")


def create_app(settings: Settings | None = None, pool=None) -> Flask:
    settings = settings or load_settings()
    store.seal(settings, {})  # refuse to start without the secret of its cookies and tokens
    app = create_service_app(settings, SERVICE.name, title=SERVICE.title, pool=pool, openapi=False)
    app.secret_key = settings.web_secret
    app.template_folder = str(Path(__file__).parent / "templates")
    # Its own cookie name: the registry on the same host (another port) has a Flask session too.
    app.config.update(SESSION_COOKIE_NAME="birlikte_web_flow", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.web_url.startswith("https://"))
    CSRFProtect(app)
    web.install(app, translations=TRANSLATIONS, form_targets=lambda: [settings.registry_url.rstrip("/")],
                hsts=settings.web_url.startswith("https://"))
    auth.install(app, settings)
    app.register_blueprint(Blueprint("files", __name__, static_folder="static", static_url_path="/static"))
    for area in PAGES:
        app.register_blueprint(import_module(f"services.web.api.{area}").blueprint)
    app.register_error_handler(DomainError, _refused)
    for code in (404, 405):  # an address the app has no page for is a page too, not problem+json
        app.register_error_handler(code, _no_such_page)
    app.before_request(_language_of_the_signed_in)
    app.context_processor(lambda: {"person": api.signed_in(), "who": api.who() if api.signed_in() else api.Who(),
                                   "unread": api.unread(), **labels.context()})
    app.jinja_env.globals.update(has_page=lambda endpoint: endpoint in app.view_functions,
                                aria_current=_current)  # a name no page passes as its own
    return app


def _current(prefix: str) -> Markup:
    """aria-current on the navigation's link to the area the page belongs to."""
    return Markup('aria-current="page"') if (request.endpoint or "").startswith(prefix) else Markup("")


def _language_of_the_signed_in() -> None:
    if request.endpoint in ("assets", "files.static", "healthz", "readyz", "metrics"):
        return
    live = api.signed_in()
    g.person_language = live["language"] if live else None


def _refused(error: DomainError):
    """A refusal as a page, in the reader's language; an ended session sends them to sign in."""
    if isinstance(error, SignedOut):
        return api.signed_out(render_template)
    status = error.status if isinstance(error, ApiProblem) else status_of(error)
    return api.problem_page(error, status)


def _no_such_page(error: HTTPException):
    return render_template("problem.html", status=error.code, detail=None), error.code
