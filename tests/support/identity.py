"""Signing people in, for the tests, the way a person and their apps do it: an app served on a real
port, a browser that fills in the registry's forms (html.parser, cookies kept), and an
independent relying party (requests-oauthlib, not the authlib the provider is built on)."""
from __future__ import annotations

import os
import re
import threading
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests
from requests_oauthlib import OAuth2Session
from werkzeug.serving import make_server

CODE = re.compile(r"^\s{4}(\d{6})\s*$", re.MULTILINE)
# The relying party talks to the registry on 127.0.0.1 over plain http; oauthlib wants https unless told.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")


class Served:
    """A Flask app answering on 127.0.0.1:`port` in a thread, for as long as the `with` lasts."""

    def __init__(self, app, port: int):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "method": attrs.get("method", "get"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


class Browser:
    """Cookies, redirects by hand (to see where each one goes), and the page's forms."""

    def __init__(self, language: str = "en"):
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = language  # the pages' language (Turkish when none is asked for)
        self.page: requests.Response | None = None

    def get(self, url: str, **kwargs) -> requests.Response:
        self.page = self.http.get(url, allow_redirects=False, **kwargs)
        return self.page

    def follow(self, url: str, *, until=lambda url: False, limit: int = 10) -> requests.Response:
        """GET `url`, then each redirect, until one leads where `until` says (not followed) or none is left."""
        response = self.get(url)
        for _ in range(limit):
            if response.status_code not in (301, 302, 303, 307) or until(response.headers["Location"]):
                return response
            response = self.get(urljoin(response.url, response.headers["Location"]))
        raise AssertionError("too many redirects")

    def submit(self, index: int = 0, **values) -> requests.Response:
        """Submit the page's `index`-th form with its hidden fields and `values`."""
        forms = _Forms()
        forms.feed(self.page.text)
        form = forms.forms[index]
        self.page = self.http.post(urljoin(self.page.url, form["action"]), data={**form["fields"], **values},
                                   allow_redirects=False)
        return self.page


def code_in(message) -> str:
    return CODE.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)


def link_in(message) -> str:
    return re.search(r"(https?://\S+/signin/link\?token=\S+)", message.get_body(preferencelist=("plain",)).get_content()
                     ).group(1)


def relying_party(registry_url: str, client_id: str, redirect_uri: str, **kwargs) -> OAuth2Session:
    return OAuth2Session(client_id, redirect_uri=redirect_uri, scope=["openid", "profile", "email", "offline_access"],
                         pkce="S256", **kwargs)


def sign_in(browser: Browser, start_url: str, email: str, *, deliver, mailbox, stop_at: str) -> requests.Response:
    """From `start_url` (an authorization request) through the registry's sign-in by email code, to
    the redirect to `stop_at` (the app's callback), which is returned unfollowed. `deliver()` runs
    the registry's mail timer (the worker's job)."""
    page = browser.follow(start_url)
    assert "/signin" in page.url, page.url
    before = len(mailbox.to(email, "sign_in"))
    browser.submit(email=email)
    code_page = browser.follow(urljoin(browser.page.url, browser.page.headers["Location"]))
    deliver()
    [*_, message] = mailbox.wait_for(email, count=before + 1, kind="sign_in")
    assert code_page.status_code == 200
    browser.submit(code=code_in(message))
    assert browser.page.status_code == 303, browser.page.text
    return browser.follow(urljoin(browser.page.url, browser.page.headers["Location"]),
                          until=lambda url: url.startswith(stop_at))
