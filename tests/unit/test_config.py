"""Settings come from the environment; production demands a real secret."""

import pytest

from collab.platform.config import DEV_SECRET_KEY, ConfigError, from_environment


@pytest.mark.parametrize("variable", ["FLASK_ENV", "COLLAB_ENV"])
@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY, "short"])
def test_production_refuses_to_start_without_a_real_secret(variable, secret):
    env = {variable: "production"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(env)


def test_production_with_a_secret_uses_secure_cookies():
    config = from_environment({"COLLAB_ENV": "production", "SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


def test_database_and_redis_urls_come_from_the_environment():
    config = from_environment(
        {
            "DATABASE_URL": "postgres://u:p@db.internal/collab",
            "REDIS_URL": "redis://cache.internal:6380/2",
        }
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/collab"
    assert config["REDIS_URL"] == "redis://cache.internal:6380/2"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6380/2"


def test_defaults_are_a_local_sqlite_file_and_local_redis():
    config = from_environment({})
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/collab.db")
    assert config["REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_base_url_is_given_or_follows_port():
    given = from_environment({"BASE_URL": "https://collab.example.com/", "PORT": "8000"})
    assert (given["BASE_URL"], given["BASE_URL_FROM"]) == ("https://collab.example.com", "BASE_URL")
    port = from_environment({"PORT": "8000"})
    assert (port["BASE_URL"], port["BASE_URL_FROM"]) == ("http://127.0.0.1:8000", "PORT")
    default = from_environment({})
    assert (default["BASE_URL"], default["BASE_URL_FROM"]) == ("http://127.0.0.1:5000", "default")


def test_body_limits_default_to_16_and_100_mib():
    config = from_environment({})
    assert config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    assert config["MAX_UPLOAD_LENGTH"] == 100 * 1024 * 1024
    assert from_environment({"MAX_UPLOAD_LENGTH": "1000"})["MAX_UPLOAD_LENGTH"] == 1000
