"""comment.edited_at and deleted_at: comments their authors edit or delete, kept in history

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 21:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

import collab.platform.clock


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # Both null for a comment as first written; a deleted comment stays, for its history.
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edited_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("deleted_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("edited_at")
