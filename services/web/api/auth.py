"""Signing in and out: the registry's OpenID Connect code flow with PKCE (authlib's client). The
tokens stay here; the browser gets a session cookie. Where to go afterwards is only ever a path of
this app (no open redirect)."""
from __future__ import annotations

from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Blueprint, redirect, render_template, request, session, url_for

from shared.http import current
from shared.http.db import cursor
from services.web import api
from services.web.operations import sessions

blueprint = Blueprint("auth", __name__)
oauth = OAuth()


def install(app, settings) -> None:
    oauth.init_app(app)
    oauth.register(
        "registry", client_id=settings.web_client_id, client_secret=settings.web_client_secret,
        # the issuer's own discovery document: the registry's, or an external provider's (BIRLIKTE_JWT_ISSUER)
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email offline_access", "code_challenge_method": "S256"})


def _safe(path: str | None) -> str:
    """A path of this app, or "/": never another site (//host, /\\host, a scheme, a control character)."""
    parts = urlsplit(path or "")
    unsafe = (not path or not path.startswith("/") or path.startswith("//") or "\\" in path or parts.scheme
              or parts.netloc or any(ord(c) < 32 for c in path))
    return "/" if unsafe else path


def _callback() -> str:
    return f"{current.settings().web_url.rstrip('/')}/auth/callback"  # exactly as registered at the registry


@blueprint.get("/auth/login")
def login():
    session["after_sign_in"] = _safe(request.args.get("next"))
    return oauth.registry.authorize_redirect(_callback(), ui_locales=request.args.get("lang"))


@blueprint.get("/auth/callback")
def callback():
    try:
        token = oauth.registry.authorize_access_token()
    except OAuthError as error:
        return render_template("signed_out.html", error=error.description or error.error), 400
    started, secret = sessions.start(cursor(), current.settings(), token, token["userinfo"])
    return api.keep(redirect(session.pop("after_sign_in", "/"), 303), started, secret)


@blueprint.post("/auth/logout")
def logout():
    """Sign out here and at the registry (RP-initiated logout), then back to the program."""
    live, settings = api.signed_in(), current.settings()
    if live is None:
        return redirect("/", 303)
    hint = sessions.id_token(settings, live)
    sessions.end(cursor(), live["id"])
    response = oauth.registry.logout_redirect(post_logout_redirect_uri=f"{settings.web_url.rstrip('/')}/",
                                              id_token_hint=hint)
    return api.forget(response)
