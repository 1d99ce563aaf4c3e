"""The web app as a backend-for-frontend, through plain HTTP (cookies and forms, no script): its
sessions live in its database (another web process, or the same after a restart, knows the
browser), an access token about to expire is renewed once for requests that arrive together, a
session ended at the registry ends here, forms need their CSRF token, where to go after signing in
is only ever a path of the web app, and every page carries its security headers."""
from __future__ import annotations

import threading
from urllib.parse import urljoin

import pytest

from services import service
from shared.community import PEOPLE
from tests.support.identity import Browser, Served, sign_in
from tests.support.smtp import free_port

DENIZ = next(p for p in PEOPLE if p[0] == "Deniz Çelik")
BERFIN = next(p for p in PEOPLE if p[0] == "Berfin Aydın")


def signed_in(platform, email: str, start: str = "/auth/login") -> Browser:
    browser = Browser()
    callback = f"{platform.web}/auth/callback"
    back = sign_in(browser, platform.web + start, email, deliver=lambda: None, mailbox=platform.mailbox,
                   stop_at=callback)
    landed = browser.follow(back.headers["Location"])
    assert landed.status_code == 200, landed.text
    return browser


def web_session(platform, browser: Browser) -> dict:
    session_id = browser.http.cookies["birlikte_web"].split(".")[0]
    with platform.connection("web") as conn:
        return conn.execute("SELECT * FROM sessions WHERE id = %s", (session_id,)).fetchone()


def test_a_session_is_known_to_every_web_process_and_survives_a_restart(platform):
    browser = signed_in(platform, DENIZ[1])
    other = service("web").create_app(platform.settings, pool=platform.pools["web"])  # a second process, or a restarted one
    port = free_port()
    with Served(other, port):
        page = browser.get(f"http://localhost:{port}/")  # the same host name: the browser sends its cookie
    assert page.status_code == 200 and f"({DENIZ[0]})" in page.text


def test_an_expiring_access_token_is_renewed_once_for_requests_that_arrive_together(platform):
    browser = signed_in(platform, DENIZ[1])
    session = web_session(platform, browser)
    with platform.connection("web") as conn:
        conn.execute("UPDATE sessions SET access_expires_at = now() WHERE id = %s", (session["id"],))
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(browser.http.get(platform.web + "/me").status_code))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 6
    with platform.connection("registry") as conn:  # the registry session this sign-in began
        tokens = conn.execute("""SELECT used_at FROM refresh_tokens WHERE session_id = (
                                     SELECT id FROM sessions WHERE person_id = (SELECT id FROM people WHERE email = %s)
                                     ORDER BY auth_time DESC LIMIT 1)""", (DENIZ[1],)).fetchall()
    assert sorted(t["used_at"] is None for t in tokens) == [False, True]  # rotated once: one used, one live
    assert web_session(platform, browser)["access_expires_at"] > session["access_expires_at"]


def test_a_session_ended_at_the_registry_ends_here_at_the_next_renewal(platform):
    browser = signed_in(platform, BERFIN[1])
    session = web_session(platform, browser)
    with platform.connection("registry") as conn:
        conn.execute("""UPDATE sessions SET ended_at = now(), ended_reason = 'test'
                        WHERE person_id = (SELECT id FROM people WHERE email = %s) AND ended_at IS NULL""",
                     (BERFIN[1],))
    with platform.connection("web") as conn:
        conn.execute("UPDATE sessions SET access_expires_at = now() WHERE id = %s", (session["id"],))
    page = browser.get(platform.web + "/me")
    assert page.status_code == 401 and "Oturumunuz kapandı" in page.text  # in her language
    assert "birlikte_web" not in browser.http.cookies
    with platform.connection("web") as conn:
        assert conn.execute("SELECT 1 FROM sessions WHERE id = %s", (session["id"],)).fetchone() is None


def test_a_form_without_its_csrf_token_is_refused(platform):
    browser = signed_in(platform, DENIZ[1])
    found = platform.api("GET", "events", "/events?limit=1").json()["items"][0]
    answer = browser.http.post(f"{platform.web}/events/{found['id']}/register", allow_redirects=False)
    assert answer.status_code == 400 and "CSRF" in answer.text


@pytest.mark.parametrize("where", ["https://attacker.example/", "//attacker.example/x", "/\\attacker.example"])
def test_after_signing_in_the_browser_goes_only_to_a_path_of_the_web_app(platform, where):
    browser = Browser()
    callback = f"{platform.web}/auth/callback"
    back = sign_in(browser, f"{platform.web}/auth/login?next={where}", DENIZ[1], deliver=lambda: None,
                   mailbox=platform.mailbox, stop_at=callback)
    after = browser.get(back.headers["Location"])
    assert after.status_code == 303 and after.headers["Location"] == "/"


def test_signing_out_ends_the_session_here_and_at_the_registry(platform):
    browser = signed_in(platform, BERFIN[1])
    page = browser.get(platform.web + "/")
    browser.submit(next(i for i, f in enumerate(_forms(page.text)) if f.endswith("/auth/logout")))
    landed = browser.follow(urljoin(platform.web, browser.page.headers["Location"]))
    assert landed.url.split("?")[0] == platform.web + "/" and "Sign in" in landed.text
    assert "birlikte_web" not in browser.http.cookies
    assert browser.get(platform.urls["registry"] + "/account").status_code == 303  # signed out there too


def test_every_page_carries_a_strict_content_security_policy_and_the_session_cookie_is_httponly(platform):
    page = Browser().get(platform.web + "/")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    browser = Browser()
    back = sign_in(browser, f"{platform.web}/auth/login", DENIZ[1], deliver=lambda: None, mailbox=platform.mailbox,
                   stop_at=f"{platform.web}/auth/callback")
    cookie = browser.get(back.headers["Location"]).headers["Set-Cookie"]
    assert cookie.startswith("birlikte_web=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http here; behind https it is Secure (request.is_secure)


def _forms(html: str) -> list[str]:
    import re
    return re.findall(r'<form[^>]*action="([^"]*)"', html)
