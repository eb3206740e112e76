"""note_version.language and note_read.language: an organisation's note keeps a chain of
versions per language, and "read the current note" is per the language it was read in

Existing rows: until now one chain held whatever each editor typed, so a Russian edit
overwrote what English readers saw. The language of a saved version is decided from its own
text: Cyrillic letters outnumbering Latin ones make it Russian, else English (placeholders,
addresses and code, which are Latin in both, are left out of the count). The text is the only
honest witness: organisations have no language, and an editor's profile language (0012, often
unset) says what they read, not what they typed. Each language's rows are then numbered 1, 2,
... in their old order, so every chain starts at 1 like a new one; ``reverted_from`` follows
its version into the new numbering, and is cleared where the restored text now lives in the
other language's chain (0, collab's own note, stays 0).

A read of an organisation's version moves with that version (its language, its new number). A
read of collab's own note (version 0) cannot tell which language it was read in: it is kept
in the reader's profile language, else English, the language collab answered in by default.

Downgrading merges each category's chains into one, in the order the versions were saved, and
keeps each person's newest read.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 23:55:00.000000

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_NOT_PROSE = re.compile(r"\{[A-Za-z_]\w*\}|https?://\S+|`[^`\n]*`")


def _language_of(title: str, body: str) -> str:
    text = _NOT_PROSE.sub(" ", f"{title}\n{body}")
    return "ru" if len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text)) else "en"


def upgrade():
    with op.batch_alter_table("note_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.drop_constraint("uq_note_version_organization_id_category_version", type_="unique")
    with op.batch_alter_table("note_read", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.drop_constraint("uq_note_read_user_id_organization_id_category", type_="unique")

    connection = op.get_bind()
    # (organisation, category, old version) -> (language, new version)
    moved = {}
    counters = {}
    rows = connection.execute(
        sa.text(
            "SELECT id, organization_id, category, version, title, body_md, reverted_from "
            "FROM note_version ORDER BY organization_id, category, version"
        )
    ).all()
    for row in rows:
        language = _language_of(row.title, row.body_md)
        chain = (row.organization_id, row.category, language)
        counters[chain] = counters.get(chain, 0) + 1
        moved[(row.organization_id, row.category, row.version)] = (language, counters[chain])
    for row in rows:
        language, version = moved[(row.organization_id, row.category, row.version)]
        source = row.reverted_from
        if source not in (None, 0):
            old = moved.get((row.organization_id, row.category, source))
            source = old[1] if old is not None and old[0] == language else None
        connection.execute(
            sa.text(
                "UPDATE note_version SET language = :language, version = :version, "
                "reverted_from = :source WHERE id = :id"
            ),
            {"language": language, "version": version, "source": source, "id": row.id},
        )
    reads = connection.execute(
        sa.text(
            "SELECT note_read.id, note_read.organization_id, note_read.category, "
            "note_read.version, user_account.language AS profile "
            "FROM note_read JOIN user_account ON user_account.id = note_read.user_id"
        )
    ).all()
    for read in reads:
        found = moved.get((read.organization_id, read.category, read.version))
        language, version = found or (read.profile or "en", read.version)
        connection.execute(
            sa.text("UPDATE note_read SET language = :language, version = :version WHERE id = :id"),
            {"language": language, "version": version, "id": read.id},
        )

    with op.batch_alter_table("note_version", schema=None) as batch_op:
        batch_op.alter_column("language", existing_type=sa.String(length=2), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_note_version_organization_id_category_language_version"),
            ["organization_id", "category", "language", "version"],
        )
        batch_op.create_check_constraint(
            op.f("ck_note_version_language"), "language IN ('en', 'ru')"
        )
    with op.batch_alter_table("note_read", schema=None) as batch_op:
        batch_op.alter_column("language", existing_type=sa.String(length=2), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_note_read_user_id_organization_id_category_language"),
            ["user_id", "organization_id", "category", "language"],
        )
        batch_op.create_check_constraint(op.f("ck_note_read_language"), "language IN ('en', 'ru')")


def downgrade():
    with op.batch_alter_table("note_read", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_note_read_language"), type_="check")
        batch_op.drop_constraint(
            op.f("uq_note_read_user_id_organization_id_category_language"), type_="unique"
        )
    with op.batch_alter_table("note_version", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_note_version_language"), type_="check")
        batch_op.drop_constraint(
            op.f("uq_note_version_organization_id_category_language_version"), type_="unique"
        )

    connection = op.get_bind()
    merged = {}  # (organisation, category, language, version) -> version in one chain
    counters = {}
    rows = connection.execute(
        sa.text(
            "SELECT id, organization_id, category, language, version, reverted_from "
            "FROM note_version ORDER BY organization_id, category, created_at, id"
        )
    ).all()
    for row in rows:
        chain = (row.organization_id, row.category)
        counters[chain] = counters.get(chain, 0) + 1
        merged[(*chain, row.language, row.version)] = counters[chain]
    for row in rows:
        source = row.reverted_from
        if source not in (None, 0):
            source = merged.get((row.organization_id, row.category, row.language, source))
        connection.execute(
            sa.text(
                "UPDATE note_version SET version = :version, reverted_from = :source WHERE id = :id"
            ),
            {
                "version": merged[(row.organization_id, row.category, row.language, row.version)],
                "source": source,
                "id": row.id,
            },
        )
    kept = {}
    for read in connection.execute(
        sa.text(
            "SELECT id, user_id, organization_id, category, language, version, read_at "
            "FROM note_read ORDER BY read_at, id"
        )
    ).all():
        key = (read.user_id, read.organization_id, read.category)
        if key in kept:
            connection.execute(sa.text("DELETE FROM note_read WHERE id = :id"), {"id": kept[key]})
        kept[key] = read.id
        version = merged.get((read.organization_id, read.category, read.language, read.version), 0)
        connection.execute(
            sa.text("UPDATE note_read SET version = :version WHERE id = :id"),
            {"version": version, "id": read.id},
        )

    with op.batch_alter_table("note_read", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_note_read_user_id_organization_id_category",
            ["user_id", "organization_id", "category"],
        )
        batch_op.drop_column("language")
    with op.batch_alter_table("note_version", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_note_version_organization_id_category_version",
            ["organization_id", "category", "version"],
        )
        batch_op.drop_column("language")
