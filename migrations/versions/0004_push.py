"""push: the pushes made from the console (task IDs, targets)

Revision ID: 0004_push
Revises: 0003_groups
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_push"
down_revision = "0003_groups"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "push_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator_name", sa.String(64), nullable=True),
        sa.Column("api", sa.String(16), nullable=False),
        sa.Column("target_kind", sa.String(8), nullable=False),
        sa.Column("condition", JSON, nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(128), nullable=True),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("msg_random", sa.BigInteger(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_record")),
    )
    op.create_index(op.f("ix_push_record_created_at"), "push_record", ["created_at"])
    op.create_index(op.f("ix_push_record_task_id"), "push_record", ["task_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_push_record_task_id"), table_name="push_record")
    op.drop_index(op.f("ix_push_record_created_at"), table_name="push_record")
    op.drop_table("push_record")
