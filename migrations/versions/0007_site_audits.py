"""site audits: imports, the issues they track, their changes, hosts, routings, CSV columns;
pages keep the tool's figures and URLs as long as audit tools write them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 18:54:15.922590

"""

from alembic import op
import sqlalchemy as sa

import collab.platform.clock  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_csv_column",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("column", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "role IN ('url', 'issue', 'details')", name=op.f("ck_audit_csv_column_role")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_csv_column_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_csv_column")),
        sa.UniqueConstraint(
            "organization_id", "role", name=op.f("uq_audit_csv_column_organization_id_role")
        ),
    )
    op.create_table(
        "audit_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("tool", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("audited_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("hosts", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("repeat_of_id", sa.Integer(), nullable=True),
        sa.Column("created_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.Column("undone_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user_account.id"],
            name=op.f("fk_audit_import_imported_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_import_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["repeat_of_id"],
            ["audit_import.id"],
            name=op.f("fk_audit_import_repeat_of_id_audit_import"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["user_account.id"],
            name=op.f("fk_audit_import_undone_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_import")),
    )
    with op.batch_alter_table("audit_import", schema=None) as batch_op:
        batch_op.create_index("ix_audit_import_org_id", ["organization_id", "id"], unique=False)

    op.create_table(
        "audit_routing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=400), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_audit_routing_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_routing_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_routing")),
        sa.UniqueConstraint(
            "organization_id",
            "identifier",
            name=op.f("uq_audit_routing_organization_id_identifier"),
        ),
    )
    op.create_table(
        "audit_site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_audit_site_added_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_site_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_site")),
        sa.UniqueConstraint(
            "organization_id", "host", name=op.f("uq_audit_site_organization_id_host")
        ),
    )
    op.create_table(
        "audit_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("keys", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("checked_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'resolved')", name=op.f("ck_audit_issue_state")),
        sa.ForeignKeyConstraint(
            ["last_import_id"],
            ["audit_import.id"],
            name=op.f("fk_audit_issue_last_import_id_audit_import"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_issue_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_audit_issue_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_issue")),
        sa.UniqueConstraint(
            "organization_id", "key", name=op.f("uq_audit_issue_organization_id_key")
        ),
    )
    with op.batch_alter_table("audit_issue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_issue_org_state", ["organization_id", "source", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_issue_recommendation_id"), ["recommendation_id"], unique=False
        )

    op.create_table(
        "audit_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "action IN ('created', 'updated', 'unchanged', 'resolved', 'regressed')",
            name=op.f("ck_audit_change_action"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["audit_import.id"],
            name=op.f("fk_audit_change_import_id_audit_import"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["audit_issue.id"],
            name=op.f("fk_audit_change_issue_id_audit_issue"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_audit_change_recommendation_id_recommendation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_change")),
    )
    with op.batch_alter_table("audit_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_change_import_id"), ["import_id"], unique=False)

    with op.batch_alter_table("recommendation_url", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(length=300), nullable=True))
        batch_op.alter_column(
            "url",
            existing_type=sa.VARCHAR(length=2048),
            type_=sa.String(length=4096),
            existing_nullable=False,
        )


def downgrade():
    with op.batch_alter_table("recommendation_url", schema=None) as batch_op:
        batch_op.alter_column(
            "url",
            existing_type=sa.String(length=4096),
            type_=sa.VARCHAR(length=2048),
            existing_nullable=False,
        )
        batch_op.drop_column("detail")

    with op.batch_alter_table("audit_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_change_import_id"))

    op.drop_table("audit_change")
    with op.batch_alter_table("audit_issue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_issue_recommendation_id"))
        batch_op.drop_index("ix_audit_issue_org_state")

    op.drop_table("audit_issue")
    op.drop_table("audit_site")
    op.drop_table("audit_routing")
    with op.batch_alter_table("audit_import", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_import_org_id")

    op.drop_table("audit_import")
    op.drop_table("audit_csv_column")
