"""Server-side request forgery (SSRF) guard for webhook URLs.

A webhook makes the platform send requests to an address an administrator chose. Without a
guard that address could be the platform's own loopback services, the kommun's internal
network or the cloud provider's metadata service (169.254.169.254). So webhooks may only
reach **public** addresses:

* when a subscription is created or its URL changed, the host is resolved and every address
  it resolves to must be public (:func:`check_url`);
* before each delivery batch the host is resolved and checked again (DNS may have changed);
* the connection itself is checked: :func:`guarded_session` refuses a socket whose peer
  address is not public, so a name that resolves differently a moment later (DNS rebinding)
  cannot slip through between check and connect. (Through a proxy configured in the
  environment the peer is the proxy; then the resolution checks above apply.)

Refused: loopback, private (RFC 1918 and the other special-purpose ranges), link-local
(169.254.0.0/16, fe80::/10), unique-local IPv6 (fc00::/7), multicast, unspecified
(0.0.0.0, ::) and every other address that is not globally routable; IPv4 addresses embedded
in IPv6 (``::ffff:a.b.c.d``, 6to4, NAT64) are judged by the IPv4 address.

``CHANNEL_WEBHOOK_ALLOW_PRIVATE = True`` switches the guard off (tests and benchmarks with
receivers on loopback, a closed network where the receivers are internal).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

_RFC1918 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def allow_private() -> bool:
    return bool(getattr(settings, "CHANNEL_WEBHOOK_ALLOW_PRIVATE", False))


class AddressRefused(Exception):  # noqa: N818
    """The URL's host is (or resolves to) an address webhooks may not reach."""

    def __init__(self, message: str, *, host: str = "", address: str = "", kind: str = ""):
        super().__init__(message)
        self.message, self.host, self.address, self.kind = message, host, address, kind


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_kind(address) -> str | None:
    """``None`` for a public address, otherwise the kind of non-public address it is:
    ``unspecified``, ``loopback``, ``link_local``, ``multicast``, ``unique_local``,
    ``private`` or ``reserved`` (anything else that is not globally routable)."""
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])  # drop an IPv6 zone id
    if ip.version == 6:
        ip = _embedded_ipv4(ip) or ip
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if ip.version == 6 and ip in _UNIQUE_LOCAL:
        return "unique_local"
    if ip.version == 4 and any(ip in net for net in _RFC1918):
        return "private"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def kind_label(kind: str) -> str:
    return {
        "unspecified": _("en ospecificerad adress (0.0.0.0 eller ::)"),
        "loopback": _("en loopback-adress (servern själv)"),
        "link_local": _("en länklokal adress (t.ex. molnplattformens metadatatjänst)"),
        "multicast": _("en multicast-adress"),
        "unique_local": _("en unik lokal IPv6-adress (internt nät)"),
        "private": _("en privat adress (internt nät, RFC 1918)"),
        "reserved": _("en reserverad adress som inte nås från internet"),
    }.get(kind, kind)


def resolve(host: str, port: int | None) -> list[str]:
    """Every address ``host`` resolves to (an IP literal: itself)."""
    host = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def check_host(host: str, port: int | None = None) -> list[str]:
    """Resolve ``host``; raise :class:`AddressRefused` unless every address is public."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise AddressRefused(
            _("Värdnamnet %(host)s kunde inte slås upp.") % {"host": host}, host=host
        ) from None
    if not addresses:
        raise AddressRefused(
            _("Värdnamnet %(host)s kunde inte slås upp.") % {"host": host}, host=host
        )
    for address in addresses:
        kind = address_kind(address)
        if kind:
            raise AddressRefused(
                _(
                    "Adressen %(host)s leder till %(address)s, %(kind)s. "
                    "Webhookar får bara skickas till publika adresser."
                )
                % {"host": host, "address": address, "kind": kind_label(kind)},
                host=host,
                address=address,
                kind=kind,
            )
    return addresses


def check_url(url: str) -> None:
    """Raise :class:`AddressRefused` if ``url`` may not be called (no-op when allowed)."""
    if allow_private():
        return
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    check_host(parts.hostname or "", port)


# --- the connection-level check --------------------------------------------------------------


class _PeerCheck:
    def _new_conn(self):
        sock = super()._new_conn()
        if getattr(self, "proxy", None) is None and not allow_private():
            peer = sock.getpeername()[0]
            kind = address_kind(peer)
            if kind:
                sock.close()
                raise NewConnectionError(
                    self, f"refused: {self.host} connected to {peer} ({kind} address)"
                )
        return sock


class GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """Direct connections only to public peers (proxied ones: see the module docstring)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def guarded_session() -> requests.Session:
    """A ``requests.Session`` whose connections refuse non-public peer addresses."""
    session = requests.Session()
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
