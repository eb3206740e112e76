"""Page addresses as audit tools write them, reduced to one spelling per page.

Lighthouse names a page by the URL the browser ended on, Screaming Frog by the address it
crawled, and the agency by whatever it pasted. The same page then arrives as
``HTTPS://Example.com:443/pricing/#plans`` and ``https://example.com/pricing``; a later report
can only verify a fix if both read as one page. So scheme and host are lower-cased, default
ports, fragments and user names dropped, and a trailing slash after a path removed. The path
and the query keep their case and order: servers may treat ``/Pricing`` and ``/pricing``, or
``?a=1&b=2`` and ``?b=2&a=1``, as different pages, and guessing otherwise would merge them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 4096
_BREAKS = re.compile(r"[\r\n\t\x00]")


def normalise_url(url: object) -> str | None:
    """The page's one spelling, or None when ``url`` is not an absolute http(s) URL."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or _BREAKS.search(text):
        return None
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS:
            return None
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        # urlsplit refuses malformed IPv6 hosts and out-of-range ports.
        return None
    if not host or " " in host or not host.isprintable():
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def host_of(url: str) -> str:
    """The host of a normalised URL (lower case, without the port)."""
    return urlsplit(url).hostname or ""
