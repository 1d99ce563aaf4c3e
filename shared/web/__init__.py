"""The look and the manners every Birlikte page shares — the registry's sign-in pages and the web
app alike: one layout and stylesheet, Turkish and English (Flask-Babel), and the headers that keep
a page from being framed, sniffed or made to run what it did not ship (a strict CSP).

An app calls `install(app, translations=...)`; its templates extend `layout.html`.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, g, request, send_from_directory
from flask_babel import Babel, get_locale
from jinja2 import ChoiceLoader, FileSystemLoader

HERE = Path(__file__).parent
LANGUAGES = ("tr", "en")
LANGUAGE_COOKIE = "birlikte_lang"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), publickey-credentials-get=(self), "
                          "publickey-credentials-create=(self)",
}


def language() -> str:
    """The page's language: one just chosen (?lang=), the one chosen before (a cookie), the
    signed-in person's (g.person_language), else the browser's best match; Turkish by default."""
    chosen = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE) or g.get("person_language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "tr"


def install(app: Flask, *, translations: Path, form_targets=lambda: (), hsts: bool = False) -> None:
    """Pages for `app`: the shared templates and stylesheet, its translations (beside the shared
    ones), a language switch that sticks, and the security headers on every HTML answer.
    `form_targets()`: other origins a form here may lead to (an OAuth client's redirect);
    `hsts`: the app is served over https only (Strict-Transport-Security)."""
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(HERE / "templates")])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{translations};{HERE / 'translations'}"
    Babel(app, locale_selector=language)
    app.add_url_rule("/assets/<path:filename>", "assets", _asset)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, in_language=in_language, get_locale=get_locale)

    @app.after_request
    def page_headers(response):
        if request.args.get("lang") in LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, request.args["lang"], max_age=365 * 86400, samesite="Lax",
                                secure=request.is_secure)
        if response.mimetype == "text/html":
            response.headers.update(SECURITY_HEADERS)
            response.headers["Content-Security-Policy"] = csp(form_targets())
        if hsts:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response


def in_language(code: str) -> str:
    """This page's address in another language (its other arguments kept)."""
    return "?" + urlencode({**request.args.to_dict(), "lang": code})


def csp(form_targets) -> str:
    forms = " ".join(["'self'", *sorted(set(form_targets))])
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "media-src 'self'; "  # the archive's recordings and their captions, played in the page
            f"form-action {forms}; frame-ancestors 'none'; base-uri 'none'")


def _asset(filename: str):
    response = send_from_directory(HERE / "static", filename, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def session_cookie(name: str) -> tuple[uuid.UUID, str] | None:
    """The session id and secret the browser's cookie `name` carries (`<id>.<secret>`); None when
    it has none, or one not of ours."""
    session_id, _, secret = request.cookies.get(name, "").partition(".")
    try:
        return (uuid.UUID(session_id), secret) if secret else None
    except ValueError:
        return None
