"""audit log, and e-mail that failed for good

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:30:26.105665

"""

from alembic import op
import sqlalchemy as sa

import collab.platform.clock  # noqa: F401  (custom column types used below)


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The relay's MAX_ATTEMPTS when this revision was written.
MAX_ATTEMPTS = 8


def upgrade():
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_audit_event_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_audit_event_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["user_account.id"],
            name=op.f("fk_audit_event_subject_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_org_id", ["organization_id", "id"], unique=False)

    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_at", collab.platform.clock.UTCDateTime(timezone=True), nullable=True)
        )
    # E-mail the relay already gave up on (a line break in its subject, say) was invisible
    # until now: it becomes failed, so operators see it on /admin/ and can send it again.
    op.execute(
        sa.text(
            "UPDATE outbox_email SET failed_at = created_at "
            "WHERE sent_at IS NULL AND attempts >= :attempts"
        ).bindparams(attempts=MAX_ATTEMPTS)
    )


def downgrade():
    with op.batch_alter_table("outbox_email", schema=None) as batch_op:
        batch_op.drop_column("failed_at")

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_org_id")

    op.drop_table("audit_event")
