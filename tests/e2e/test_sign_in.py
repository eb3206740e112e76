"""In Debian's Chromium: the CIO signs in and reaches the shared board."""

from playwright.sync_api import expect

from tests.support.factories import PASSWORD, make_org, make_user


def test_cio_signs_in_and_sees_the_board(live_server, page):
    with live_server.app.app_context():
        org = make_org("acme")
        cio = make_user(org, "cio", email="cio@acme.example")
        email = cio.email
    page.goto(live_server.url + "/orgs/acme/board")
    expect(page).to_have_url(live_server.url + "/login?next=/orgs/acme/board")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/orgs/acme/board")
    expect(page.get_by_role("heading", name="Acme: board")).to_be_visible()
    for column in ("Triage", "To do", "In progress", "Review", "Done"):
        expect(page.get_by_role("heading", name=column)).to_be_visible()


def test_wrong_password_shows_the_generic_error(live_server, page):
    with live_server.app.app_context():
        make_user(make_org("acme"), "cio", email="cio@acme.example")
    page.goto(live_server.url + "/login")
    page.get_by_label("E-mail").fill("cio@acme.example")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "That e-mail and password do not match an active account."
    )
