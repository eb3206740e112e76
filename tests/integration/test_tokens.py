"""API tokens: printed once, stored hashed, revocable, last use shown."""

from collab.models import ApiToken
from collab.platform.extensions import db
from tests.support.factories import csrf_from, login, make_org, make_token, make_user


def test_cli_prints_the_token_alone_and_it_authenticates(runner, client):
    user = make_user(make_org("acme"), "cmo")
    result = runner.invoke(args=["create-token", user.email])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    raw = lines[0]
    stored = db.session.query(ApiToken).one()
    assert raw not in (stored.token_hash, stored.prefix)  # only a hash is kept
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.json == {
        "email": user.email,
        "name": user.name,
        "memberships": [{"org": "acme", "role": "cmo"}],
    }


def test_cli_refuses_unknown_user(runner):
    result = runner.invoke(args=["create-token", "ghost@example.com"])
    assert result.exit_code != 0
    assert "no active user" in result.output


def test_unknown_missing_and_revoked_tokens_answer_401_json(client):
    user = make_user(make_org(), "it")
    raw = make_token(user)
    assert client.get("/api/v1/me").status_code == 401
    unknown = client.get("/api/v1/me", headers={"Authorization": "Bearer collab_nope"})
    assert unknown.status_code == 401
    assert unknown.json["error"]["code"] == "unauthorized"
    assert unknown.json["error"]["message"]
    token = db.session.query(ApiToken).one()
    from collab.accounts import tokens

    tokens.revoke_token(user, token.id)
    db.session.commit()
    revoked = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert revoked.status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client):
    user = make_user(make_org(), "cio")
    login(client, user.email)
    assert client.get("/api/v1/me").status_code == 401


def test_profile_creates_shows_once_and_revokes(client, app):
    user = make_user(make_org(), "it")
    login(client, user.email)
    page = client.get("/profile/")
    created = client.post(
        "/profile/tokens", data={"name": "import script", "csrf_token": csrf_from(page.text)}
    )
    assert created.status_code == 200
    raw = created.text.split('<code class="token">')[1].split("<")[0]
    assert raw.startswith("collab_")
    assert raw not in client.get("/profile/").text  # never shown again

    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    listing = client.get("/profile/").text
    assert "import script" in listing and "never" not in listing  # last use recorded

    token = db.session.query(ApiToken).one()
    revoke = client.post(
        f"/profile/tokens/{token.id}/revoke", data={"csrf_token": csrf_from(listing)}
    )
    assert revoke.status_code == 302
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_nobody_revokes_another_persons_token(client):
    org = make_org()
    owner = make_user(org, "it")
    make_token(owner)
    intruder = make_user(org, "cio")
    login(client, intruder.email)
    token = db.session.query(ApiToken).one()
    response = client.post(
        f"/profile/tokens/{token.id}/revoke",
        data={"csrf_token": csrf_from(client.get("/profile/").text)},
    )
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None
