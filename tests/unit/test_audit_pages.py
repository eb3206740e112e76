"""collab.audits.pages: one spelling per page, so a later report can verify an earlier one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab.audits.pages import host_of, normalise_url


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("https://example.com/pricing", "https://example.com/pricing"),
        ("HTTPS://Example.COM/pricing", "https://example.com/pricing"),
        ("https://example.com:443/pricing", "https://example.com/pricing"),
        ("http://example.com:80/", "http://example.com/"),
        ("https://example.com:8443/pricing", "https://example.com:8443/pricing"),
        ("https://example.com/pricing/", "https://example.com/pricing"),
        ("https://example.com/pricing//", "https://example.com/pricing"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com/pricing#plans", "https://example.com/pricing"),
        ("https://example.com/?utm_source=x#top", "https://example.com/?utm_source=x"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        # Path and query keep their case and order: servers may tell them apart.
        ("https://example.com/Pricing?b=2&a=1", "https://example.com/Pricing?b=2&a=1"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
        ("https://пример.рф/о-нас/", "https://пример.рф/о-нас"),
    ],
)
def test_one_spelling_per_page(written, read):
    assert normalise_url(written) == read


@pytest.mark.parametrize(
    "not_a_page",
    [
        None,
        42,
        "",
        "example.com/pricing",
        "/pricing",
        "chrome-error://chromewebdata/",
        "ftp://example.com/file",
        "data:text/html,hi",
        "https://",
        "https://exa mple.com/",
        "https://example.com:99999/",
        "https://[::1/",
        "https://example.com/a\nb",
        "https://example.com/" + "a" * 5000,
    ],
)
def test_anything_else_is_not_a_page(not_a_page):
    assert normalise_url(not_a_page) is None


def test_host_of_a_normalised_url():
    assert host_of("https://www.example.com:8443/a") == "www.example.com"


@given(st.text(max_size=200))
def test_normalising_never_raises_and_is_idempotent(text):
    once = normalise_url(text)
    assert once is None or normalise_url(once) == once


@given(
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z]{2,6}){1,2}", fullmatch=True),
    st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,4}/?", fullmatch=True),
)
def test_host_case_default_port_and_trailing_slash_never_make_two_pages(scheme, host, path):
    port = ":443" if scheme.lower() == "https" else ":80"
    plain = normalise_url(f"{scheme}://{host}{path}")
    assert plain is not None
    assert normalise_url(f"{scheme}://{host.upper()}{port}{path.rstrip('/')}/#x") == plain
