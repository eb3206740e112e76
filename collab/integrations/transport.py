"""One POST to a webhook: to the address that was checked, redirects never followed.
The standard library only (http.client), so nothing resolves the name a second time."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from collab.integrations.addresses import Target

KEEP_RESPONSE = 1000  # characters of the answer kept for the delivery log
USER_AGENT = "collab-webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None when no HTTP answer came (refused, timed out, TLS failed)
    duration_ms: int
    body: str
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTP(http.client.HTTPConnection):
    """Speaks to ``address`` while the request names the URL's host."""

    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to ``address``, the certificate checked against the URL's host name."""

    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def post(
    target: Target,
    address: str,
    headers: dict[str, str],
    body: bytes,
    timeout: float,
    keep: int = KEEP_RESPONSE,
) -> Answer:
    """``keep``: characters of the answer's body kept (a log's excerpt, or a whole answer
    the caller reads)."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, address, timeout)
    started = time.monotonic()
    try:
        connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        for name, value in {
            "host": target.host_header,
            "user-agent": USER_AGENT,
            "content-length": str(len(body)),
            **headers,
        }.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        text = response.read(keep * 4).decode("utf-8", "replace")[:keep]
        status = response.status
        error = None
        if 300 <= status < 400:
            where = response.getheader("location") or "nowhere"
            error = f"answered {status} to {where}: redirects are not followed"
        elif not 200 <= status < 300:
            error = f"answered {status} {response.reason}"
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, TLS
        status, text, error = None, "", f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    return Answer(status, round((time.monotonic() - started) * 1000), text, error)
