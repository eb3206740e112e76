"""Where a webhook may point: public addresses only (in production), however written."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from standardwebhooks import Webhook as Verifier

from collab.integrations import addresses, signing

PRIVATE_SPELLINGS = [
    "http://127.0.0.1/",
    "http://localhost:8080/in",
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0x7f.1/",  # hexadecimal, shortened
    "http://017700000001/",  # octal
    "http://127.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/",
    "http://0.0.0.0/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
    "http://224.0.0.1/",
]


@pytest.mark.parametrize("url", PRIVATE_SPELLINGS)
def test_private_loopback_and_link_local_are_refused_however_spelled(url):
    target = addresses.parse(url)
    with pytest.raises(addresses.Refused, match="private, loopback or link-local"):
        addresses.resolve(target, allow_private=False)
    assert addresses.resolve(target, allow_private=True)  # allowed outside production


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_pass(address):
    assert addresses.is_public(address)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/", "only http:// and https://"),
        ("gopher://example.com/", "only http:// and https://"),
        ("example.com/hook", "only http:// and https://"),
        ("http:///nohost", "no host"),
        ("https://user:secret@example.com/", "no user name or password"),
        ("https://example.com/a b", "no spaces"),
        ("https://example.com:99999/", "not a URL"),
        ("", "give the URL"),
        (None, "give the URL"),
        ("https://example.com/" + "a" * 2048, "at most 2048"),
    ],
)
def test_urls_that_cannot_be_webhooks_are_refused_with_the_reason(url, words):
    with pytest.raises(addresses.Refused, match=words):
        addresses.parse(url)


def test_a_url_keeps_its_path_query_and_host_header():
    target = addresses.parse("HTTPS://Hooks.Example.com:8443/in/collab?team=it")
    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 8443)
    assert target.path == "/in/collab?team=it"
    assert target.host_header == "hooks.example.com:8443"
    assert addresses.parse("http://[::1]/").host_header == "[::1]"


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(addresses.Refused, match="does not resolve"):
        addresses.resolve(addresses.parse("http://no-such-host.invalid/"), allow_private=False)


def test_signatures_follow_the_standard_and_verify_with_its_library():
    secret = signing.new_secret()
    body = signing.payload("task.done", "2026-03-01T10:00:00Z", {"id": 1, "title": "Café"})
    assert body.isascii()
    message_id = signing.new_message_id()
    timestamp = 1_700_000_000
    headers = signing.headers([secret], message_id, timestamp, body.encode())
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected.digest()).decode()
    verifier = Verifier(secret)
    # The library checks the timestamp against the clock: sign with the current time.
    import time

    now = int(time.time())
    fresh = signing.headers([signing.new_secret(), secret], message_id, now, body.encode())
    assert verifier.verify(body, fresh) == {
        "type": "task.done",
        "timestamp": "2026-03-01T10:00:00Z",
        "data": {"id": 1, "title": "Café"},
    }


def test_non_ascii_urls_are_refused_with_how_to_write_them():
    with pytest.raises(addresses.Refused, match="xn--"):
        addresses.parse("https://пример.рф/hook")
    with pytest.raises(addresses.Refused, match="ASCII"):
        addresses.parse("https://example.com/\ud800")
