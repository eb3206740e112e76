"""Sign-in throttling per account and per address: 429 with Retry-After, a wait that
grows with repeated failures, and no lock-out of everyone behind one address."""

import time

from collab.accounts import throttle
from tests.support.factories import PASSWORD, csrf_from, make_org, make_user
from tests.support.servers import free_port


def _attempt(client, email, password, address="127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=environ)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_from(page.text)},
        environ_base=environ,
    )


def test_ten_bad_attempts_from_one_address_leave_other_people_signing_in_from_it(client):
    org = make_org("acme")
    guessed, colleague = make_user(org, "it"), make_user(org, "marketing")
    statuses = [_attempt(client, guessed.email, "wrong-password").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    other_browser = client.application.test_client()
    assert _attempt(other_browser, colleague.email, PASSWORD).status_code == 302


def test_five_addresses_cannot_make_fifty_guesses_at_one_account(client):
    user = make_user(make_org("acme"), "cio")
    checked = refused = 0
    for host in range(5):
        for _ in range(10):
            status = _attempt(
                client, user.email, "wrong-password", f"198.51.100.{host}"
            ).status_code
            checked += status == 401
            refused += status == 429
    assert checked == 20  # LOGIN_LIMIT_PER_ACCOUNT: the rest were refused unchecked
    assert refused == 30
    # Nor does the right password get through from yet another address while it waits.
    assert _attempt(client, user.email, PASSWORD, "203.0.113.9").status_code == 429


def test_the_429_says_when_to_retry(client):
    user = make_user(make_org("acme"), "it")
    for _ in range(10):
        _attempt(client, user.email, "wrong-password")
    response = _attempt(client, user.email, "wrong-password")
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 60
    assert "Too many failed sign-ins" in response.text
    assert "Try again in" in response.text and "UTC" in response.text


def test_the_wait_doubles_with_each_failure_after_the_allowance(app):
    email, address = "someone@example.com", "192.0.2.1"
    start = 1_000_000.0
    for i in range(10):
        throttle.failed(email, address, now=start + i)
    last = start + 9
    assert throttle.wait_seconds(email, address, now=last) == 60
    waits = []
    for _ in range(4):
        last += throttle.wait_seconds(email, address, now=last)  # waited it out
        assert throttle.wait_seconds(email, address, now=last) == 0
        waits.append(throttle.failed(email, address, now=last))
    assert waits == [120, 240, 480, 900]  # doubling up to LOGIN_MAX_WAIT_SECONDS
    assert throttle.failed(email, address, now=last + 900) == 900


def test_a_success_forgives_this_address_its_own_mistakes_only(app):
    email, address = "someone@example.com", "192.0.2.1"
    now = time.time()
    for _ in range(9):
        throttle.failed(email, address, now=now)
    throttle.succeeded(email, address)
    throttle.failed(email, address, now=now)
    assert throttle.wait_seconds(email, address, now=now) == 0
    # The account-wide count kept all ten: ten more from elsewhere reach its allowance.
    for i in range(10):
        throttle.failed(email, f"192.0.2.{100 + i}", now=now)
    assert throttle.wait_seconds(email, "192.0.2.200", now=now) == 60


def test_one_ipv6_client_cannot_rotate_through_its_own_network(app):
    email = "someone@example.com"
    now = time.time()
    for i in range(10):
        throttle.failed(email, f"2001:db8:1:2::{i + 1:x}", now=now)
    assert throttle.wait_seconds(email, "2001:db8:1:2::ffff", now=now) == 60
    assert throttle.wait_seconds(email, "2001:db8:1:3::1", now=now) == 0


def test_throttling_holds_with_redis_down(app, client):
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}/0"
    user = make_user(make_org("acme"), "it")
    statuses = [_attempt(client, user.email, "wrong-password").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    assert "Retry-After" in _attempt(client, user.email, PASSWORD).headers


def test_too_many_reset_requests_say_when_to_retry(client):
    page = client.get("/password/forgot")
    for _ in range(10):
        client.post(
            "/password/forgot",
            data={"email": "someone@example.com", "csrf_token": csrf_from(page.text)},
        )
    refused = client.post(
        "/password/forgot",
        data={"email": "someone@example.com", "csrf_token": csrf_from(page.text)},
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Wait a minute, then try again." in refused.text  # to a person, in words
    assert "header" not in refused.text.split("<main", 1)[1].lower()
