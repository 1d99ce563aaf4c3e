"""Requests to URLs that partners give us (webhook receivers, iCalendar feeds), made safely.

A partner's URL must not become a way into our own network (SSRF): its host is resolved, every
address it resolves to must be public (unless `allow_private`, for development and tests), and
the connection goes to exactly those checked addresses — so DNS cannot re-point the host at an
internal address between the check and the connection. No proxy from the environment and no
redirects are followed; TLS still verifies the certificate against the URL's host name.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from shared.errors import Invalid

NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(ValueError):
    pass


def _internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if ip.version == 6:  # an IPv4 address wrapped in IPv6 is judged as the IPv4 address it carries
        embedded = ip.ipv4_mapped or (ip.sixtofour) or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and _internal(embedded):
            return True
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or not ip.is_global)


def resolve(url: str, allow_private: bool) -> list[str]:
    """The addresses to connect to for `url`; UnsafeUrl for what is not http(s), does not resolve, or
    resolves to a private, loopback, link-local, reserved, multicast or unspecified address
    (unless `allow_private`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("Use an http(s) URL with a host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl(f"The URL's port is not valid: {exc}.") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"The host {parts.hostname} does not resolve: {exc}.") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if _internal(ip):
                raise UnsafeUrl(f"{parts.hostname} resolves to {ip}, an internal address; "
                                "only public hosts are reached.")
    return addresses


def _pinned(base: type, addresses: list[str]) -> type:
    """A urllib3 connection that connects to the checked addresses only (TLS still verifies the
    certificate against the URL's host name, and Host is the URL's)."""
    class Pinned(base):
        def _new_conn(self):
            error: OSError | None = None
            for address in addresses:
                try:
                    return urllib3_connection.create_connection(
                        (address, self.port), self.timeout, source_address=self.source_address,
                        socket_options=self.socket_options)
                except OSError as exc:
                    error = exc
            if isinstance(error, TimeoutError):
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
            raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error
    return Pinned


class _PinnedAdapter(HTTPAdapter):
    def __init__(self, addresses: list[str]):
        self.addresses = addresses
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedPool", (HTTPConnectionPool,),
                         {"ConnectionCls": _pinned(HTTPConnection, self.addresses)}),
            "https": type("PinnedTLSPool", (HTTPSConnectionPool,),
                          {"ConnectionCls": _pinned(HTTPSConnection, self.addresses)}),
        }


def session(addresses: list[str]) -> requests.Session:
    """A requests session that connects only to `addresses` (from `resolve`), with no proxy."""
    pinned = requests.Session()
    pinned.trust_env = False
    pinned.mount("http://", _PinnedAdapter(addresses))
    pinned.mount("https://", _PinnedAdapter(addresses))
    return pinned


def require_safe_url(url: str, allow_private: bool, field: str = "url") -> None:
    """For a rule taking a partner's URL: Invalid, naming the field, when it is not safe."""
    try:
        resolve(url, allow_private)
    except UnsafeUrl as exc:
        raise Invalid("URL not allowed", str(exc), errors={field: [str(exc)]}) from None
