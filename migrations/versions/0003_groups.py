"""groups: local cache of the app's groups for search by ID and name

Revision ID: 0003_groups
Revises: 0002_events
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_groups"
down_revision = "0002_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_cache",
        sa.Column("group_id", sa.String(128), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("name_lower", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("member_num", sa.Integer(), nullable=False),
        sa.Column("max_member_num", sa.Integer(), nullable=False),
        sa.Column("create_time", sa.BigInteger(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_group_cache")),
    )
    for column in ("type", "name_lower", "refreshed_at"):
        op.create_index(op.f(f"ix_group_cache_{column}"), "group_cache", [column])


def downgrade() -> None:
    for column in ("type", "name_lower", "refreshed_at"):
        op.drop_index(op.f(f"ix_group_cache_{column}"), table_name="group_cache")
    op.drop_table("group_cache")
