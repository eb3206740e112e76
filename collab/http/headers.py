"""What every response says about itself, and what the app believes of its proxies.

Every response (pages, htmx fragments, the API, error pages, static files) carries the
security headers, in every mode; HSTS only in production, where every request arrives over
HTTPS. Pages get a strict Content-Security-Policy: our own scripts and stylesheets only, no
inline script, style or event handler. A template that truly cannot avoid an inline block
asks for `csp_nonce()`, and only then does the policy name that response's nonce.

X-Forwarded-For and friends are believed only from TRUSTED_PROXIES proxies in front of the
app; with none (the default) a client cannot choose the address the login throttle counts."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g
from werkzeug.middleware.proxy_fix import ProxyFix

PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# JSON, CSS, scripts, downloads: nothing in them may load or run anything, nor be framed.
RESOURCE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def csp_nonce() -> str:
    """A nonce for this response; calling it is what lets an inline block through."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def page_policy(nonce: str | None = None) -> str:
    policy = dict(PAGE_POLICY)
    if nonce:
        for directive in ("script-src", "style-src"):
            policy[directive] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def secure(response: Response) -> Response:
    headers = response.headers
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", page_policy(g.get("csp_nonce")))
    else:
        headers.setdefault("Content-Security-Policy", RESOURCE_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers that predate frame-ancestors
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    config = current_app.config
    if config.get("PRODUCTION") and config.get("HSTS_SECONDS"):
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(config['HSTS_SECONDS'])}; includeSubDomains"
        )
    return response


def install(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    app.after_request(secure)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
