"""kpi file column mappings, and each organisation's currency

Revision ID: 0008
Revises: 0011
Create Date: 2026-11-30 18:38:55.940700

"""

from alembic import op
import sqlalchemy as sa

import collab.platform.clock  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = "0008"
# 0007 is written beside this one; whoever merges the two re-chains them.
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kpi_file_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("column_key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_kpi_file_mapping_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_kpi_file_mapping_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_file_mapping")),
        sa.UniqueConstraint(
            "organization_id",
            "source",
            "column_key",
            name=op.f("uq_kpi_file_mapping_organization_id_source_column_key"),
        ),
    )
    # Every organisation so far kept its money in no stated currency; USD is the default.
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("currency")

    op.drop_table("kpi_file_mapping")
