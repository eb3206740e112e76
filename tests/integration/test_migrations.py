"""The migrations build, from nothing, exactly the schema the models describe."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from collab import create_app
from collab.platform.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    cluster = request.getfixturevalue("postgres")
    return cluster.create_database(f"migrations_{uuid.uuid4().hex[:8]}")


def test_migrations_from_empty_match_the_models(empty_database, tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            drift = compare_metadata(context, db.metadata)
        assert drift == []
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and back up again: the downgrade left nothing behind
        db.engine.dispose()


def _insert(connection, table, **values):
    """A row with ``values``, and a plain value for every other required column (the
    schema of that revision, not today's models)."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    columns = sa.Table(table, sa.MetaData(), autoload_with=connection).columns
    for column in columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        python = column.type.python_type
        values[column.name] = {
            str: "x",
            int: 0,
            bool: False,
            datetime: datetime(2026, 11, 1, tzinfo=UTC),
        }[python]
    return connection.execute(sa.insert(sa.table(table, *map(sa.column, values))).values(values))


def test_an_organisations_mixed_note_splits_into_a_chain_per_language(empty_database, tmp_path):
    """0016 on a note edited in English, then in Russian, then restored: each version goes to
    the language its text is written in, each chain numbered from 1, reads following them."""
    import sqlalchemy as sa

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": empty_database, "TESTING": True, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as connection:
            _insert(connection, "organization", id=1, slug="acme", name="Acme", kind="client")
            _insert(connection, "user_account", id=1, email="ru@acme.example", language="ru")
            _insert(connection, "user_account", id=2, email="en@acme.example")
            texts = [
                ("Dead links, lost leads", "## Why it matters\nEach {url_count} costs visits.\n"),
                ("Битые ссылки", "## Why it matters\nКаждая битая ссылка: https://a.example\n"),
                ("Dead links, lost leads", "## Why it matters\nEach {url_count} costs visits.\n"),
            ]
            for number, (title, body) in enumerate(texts, start=1):
                _insert(
                    connection,
                    "note_version",
                    organization_id=1,
                    category="broken_links",
                    version=number,
                    title=title,
                    body_md=body,
                    reverted_from=1 if number == 3 else None,
                )
            # The Russian reader read version 2 (Russian); the English one collab's note.
            for user, version in ((1, 2), (2, 0)):
                _insert(
                    connection,
                    "note_read",
                    user_id=user,
                    organization_id=1,
                    category="broken_links",
                    version=version,
                )
        upgrade()
        with db.engine.connect() as connection:
            versions = connection.execute(
                sa.text(
                    "SELECT language, version, title, reverted_from FROM note_version ORDER BY id"
                )
            ).all()
            reads = connection.execute(
                sa.text("SELECT user_id, language, version FROM note_read ORDER BY user_id")
            ).all()
        assert [tuple(row) for row in versions] == [
            ("en", 1, "Dead links, lost leads", None),
            ("ru", 1, "Битые ссылки", None),
            ("en", 2, "Dead links, lost leads", 1),
        ]
        assert [tuple(row) for row in reads] == [(1, "ru", 1), (2, "en", 0)]
        downgrade(revision="0015")
        with db.engine.connect() as connection:
            merged = connection.execute(
                sa.text("SELECT version, reverted_from FROM note_version ORDER BY id")
            ).all()
        assert [tuple(row) for row in merged] == [(1, None), (2, None), (3, 1)]
        db.engine.dispose()
