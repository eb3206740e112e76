"""Where a webhook may point (server-side request forgery). Pure: the standard library and
collab's refusal only.

A webhook makes collab's servers send requests to a URL a customer chose. In production that
URL must not reach into the servers' own networks: loopback, private ranges, link-local
(cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved or unspecified
addresses, however they are spelled. The check runs on the addresses the name resolves to,
not on the text of the URL, so ``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]`` and a name
whose DNS answer changed after registration (rebinding) are all caught; the request then goes
to the very address that was checked.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from collab.platform.errors import N_, Refusal

MAX_URL = 2048
SCHEMES = {"http": 80, "https": 443}


class Refused(Refusal):
    """A URL collab will not send to; the message says why, in the directors' words."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (a name, or an address without brackets)
    port: int
    path: str  # path and query, at least "/"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def parse(url: object) -> Target:
    if not isinstance(url, str) or not url.strip():
        raise Refused(N_("give the URL that should receive the events"))
    url = url.strip()
    if len(url) > MAX_URL:
        raise Refused(N_("at most %(count)s characters"), count=MAX_URL)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise Refused(N_("a URL has no spaces or control characters"))
    if not url.isascii():
        raise Refused(
            N_(
                "write the URL in ASCII: a non-ASCII host as its xn-- name, other characters "
                "percent-encoded"
            )
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(N_("not a URL: %(error)s"), error=str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        if scheme:
            raise Refused(
                N_("only http:// and https:// URLs can receive webhooks (this one is %(scheme)s:)"),
                scheme=scheme,
            )
        raise Refused(N_("only http:// and https:// URLs can receive webhooks"))
    if not parts.hostname:
        raise Refused(N_("the URL names no host"))
    if parts.username is not None or parts.password is not None:
        raise Refused(N_("put no user name or password in the URL: check the signature instead"))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, parts.hostname, port or SCHEMES[scheme], path)


def is_public(address: str) -> bool:
    """Whether an address is on the public internet, its IPv4 inside IPv6 included."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    embedded = []
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64: the last 32 bits are IPv4
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return all(candidate.is_global and not candidate.is_multicast for candidate in (ip, *embedded))


def resolve(target: Target, allow_private: bool) -> list[str]:
    """The addresses to connect to, every one of them checked unless ``allow_private``.
    Raises Refused when the name does not resolve or any answer is not public: a name with
    one private answer among public ones is refused whole, since a client may pick either."""
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(
            N_("%(host)s does not resolve (%(error)s)"), host=target.host, error=str(exc)
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise Refused(N_("%(host)s does not resolve"), host=target.host)
    if not allow_private:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise Refused(
                N_(
                    "%(host)s points into a private, loopback or link-local network "
                    "(%(addresses)s); collab does not send there (an operator may allow it "
                    "with WEBHOOK_ALLOW_PRIVATE=1)"
                ),
                host=target.host,
                addresses=", ".join(private),
            )
    return addresses
