"""metric materiality; a fourth verdict, inconclusive, and no verdict while waiting for data

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 19:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import collab.platform.clock  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_VERDICTS = "verdict IN ('improved', 'worsened', 'no_change')"
NEW_VERDICTS = "verdict IS NULL OR verdict IN ('improved', 'worsened', 'no_change', 'inconclusive')"


def upgrade():
    op.create_table(
        "metric_materiality",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("material_pct", sa.Float(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "material_pct > 0 AND material_pct <= 100",
            name=op.f("ck_metric_materiality_material_pct"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_metric_materiality_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_metric_materiality_updated_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("organization_id", "metric", name=op.f("pk_metric_materiality")),
    )
    with op.batch_alter_table("task_impact", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_task_impact_verdict"), type_="check")
        batch_op.alter_column("verdict", existing_type=sa.String(length=16), nullable=True)
        batch_op.create_check_constraint(op.f("ck_task_impact_verdict"), NEW_VERDICTS)
    # An impact waiting for data has no verdict yet (it used to read no_change). Measured rows
    # keep theirs until the next run of the impact job, which measures every impact again (the
    # method changed, so every fingerprint did).
    op.execute("UPDATE task_impact SET verdict = NULL WHERE status = 'waiting_for_data'")


def downgrade():
    op.execute(
        "UPDATE task_impact SET verdict = 'no_change' "
        "WHERE verdict IS NULL OR verdict = 'inconclusive'"
    )
    with op.batch_alter_table("task_impact", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_task_impact_verdict"), type_="check")
        batch_op.alter_column("verdict", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint(op.f("ck_task_impact_verdict"), OLD_VERDICTS)
    op.drop_table("metric_materiality")
