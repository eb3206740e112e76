"""task (organization_id, id): the API's task list pages in id order at any history

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 07:25:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_org_id", ["organization_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_org_id")
