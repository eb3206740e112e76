"""user_account.language and time_zone: the profile's language and time zone

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30 21:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # Both nullable: no choice yet means the browser's language and UTC.
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_user_account_language"), "language IN ('en', 'ru')"
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_account_language"), type_="check")
        batch_op.drop_column("time_zone")
        batch_op.drop_column("language")
