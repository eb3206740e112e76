"""GET /healthz names what is down."""

from tests.support.servers import free_port


def test_healthz_ok_with_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_503_names_redis_when_it_is_down(app, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "down", "database": "ok", "redis": "down"}


def test_login_still_works_and_is_still_limited_when_redis_is_down(app, client):
    # The limiter falls back to counting in memory; signing in must not depend on Redis.
    from tests.support.factories import login, make_org, make_user

    user = make_user(make_org("acme"), "cio")
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    assert login(client, user.email).status_code == 302
    assert client.get("/orgs/acme/board").status_code == 200


def test_healthz_503_names_the_database_when_it_is_down(redis_server, tmp_path):
    from collab import create_app
    from tests.conftest import test_config

    unreachable = f"postgresql+psycopg://collab@127.0.0.1:{free_port()}/collab"
    app = create_app(test_config(unreachable, redis_server.url, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "down", "database": "down", "redis": "ok"}
