"""The four services' APIs, as the web app calls them for the person it serves: their access token
(or none, for what is public), the request's correlation id passed on, problems raised as they came.
One connection pool per process; a page asks for what it shows in a bounded number of calls."""
from __future__ import annotations

import threading
import time

import requests
from requests.adapters import HTTPAdapter

from shared.config import Settings
from shared.context import current_correlation_id
from services.web.errors import ApiProblem, SignedOut

TIMEOUT = (3.05, 30)  # connect, read
_local = threading.local()


def _http() -> requests.Session:
    """A keep-alive session per thread (requests' sessions are not meant to be shared by threads)."""
    if not hasattr(_local, "http"):
        session = requests.Session()
        session.mount("http://", HTTPAdapter(pool_connections=8, pool_maxsize=16))
        session.mount("https://", HTTPAdapter(pool_connections=8, pool_maxsize=16))
        session.trust_env = False
        _local.http = session
    return _local.http


IN_FLIGHT_RETRIES = 5


def _in_flight(response: requests.Response) -> bool:
    """The service is still answering the first request of this Idempotency-Key (a form sent twice)."""
    return response.status_code == 409 and "Retry-After" in response.headers and response.request.headers.get(
        "Idempotency-Key") is not None


def _retry_after(response: requests.Response) -> float:
    try:
        return min(max(float(response.headers["Retry-After"]), 0.1), 2.0)
    except ValueError:
        return 1.0


class Backend:
    def __init__(self, settings: Settings, token: str | None = None, language: str | None = None):
        self.token, self.language = token, language
        self.bases = {"registry": settings.registry_url, "events": settings.events_url,
                      "notifications": settings.notifications_url, "archive": settings.archive_url}

    def url(self, service: str, path: str) -> str:
        return self.bases[service].rstrip("/") + path

    def _headers(self, extra: dict | None) -> dict:
        headers = {"X-Correlation-ID": current_correlation_id(), "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.language:
            headers["Accept-Language"] = self.language
        return {**headers, **(extra or {})}

    def call(self, method: str, service: str, path: str, *, headers: dict | None = None, **kwargs) -> requests.Response:
        for attempt in range(IN_FLIGHT_RETRIES + 1):
            response = _http().request(method, self.url(service, path), headers=self._headers(headers),
                                       timeout=TIMEOUT, **kwargs)
            if not (_in_flight(response) and attempt < IN_FLIGHT_RETRIES):
                break
            time.sleep(_retry_after(response))  # a second press of the same form: the first's answer is coming
        if response.status_code == 401 and self.token:
            raise SignedOut()
        if response.status_code >= 400:
            raise ApiProblem(response.status_code, _problem(response))
        return response

    def get(self, service: str, path: str, **params) -> dict:
        return self.call("GET", service, path, params={k: v for k, v in params.items() if v not in (None, "")}).json()

    def post(self, service: str, path: str, body: dict | None = None, **kwargs) -> requests.Response:
        return self.call("POST", service, path, json=body, **kwargs)

    def patch(self, service: str, path: str, body: dict, etag: str) -> requests.Response:
        return self.call("PATCH", service, path, json=body, headers={"If-Match": etag})

    def stream(self, method: str, service: str, path: str, *, headers: dict | None = None,
               body=None) -> requests.Response:
        """A call whose bodies flow through rather than being held: `body` an iterable of chunks
        (sent with its `len()` as Content-Length if it has one, else chunked), the answer's body
        left unread for the caller to pass on and close. A 416 comes back as an answer, for the
        browser to read; other refusals are raised as by `call`."""
        response = _http().request(method, self.url(service, path), data=body, stream=True, timeout=TIMEOUT,
                                   headers=self._headers({"Accept": "*/*", **(headers or {})}))
        if response.status_code >= 400 and response.status_code != 416:
            with response:
                if response.status_code == 401 and self.token:
                    raise SignedOut()
                raise ApiProblem(response.status_code, _problem(response))
        return response


def _problem(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        body = {}
    return body if isinstance(body, dict) else {}
