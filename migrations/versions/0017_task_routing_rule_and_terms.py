"""task.routing_rule and routing_terms: a routing reason worded in each reader's language

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 23:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Null on the tasks routed so far: they keep their English routing_reason and read it.
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("routing_rule", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("routing_terms", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("routing_terms")
        batch_op.drop_column("routing_rule")
