"""moderation: keyword lists, review decisions, rule versions; rules that match a keyword list

Revision ID: 0009_moderation
Revises: 0007_alerts
Create Date: 2026-12-05

Issue #18: keyword lists matched by rules, a review queue (the callbacks a flag rule let
through, `review_action` what operators decided), every rule change kept as a version. Two
partial indexes on `callback_event` serve the queue and the hit counts per rule.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_moderation"
down_revision = "0008_signin"
branch_labels = None
depends_on = None

FLAGGED = "decision = 'flag'"
HIT = "rule_id IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "keyword_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("whole_word", sa.Boolean(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("synced_to", sa.String(160), nullable=True),
        sa.Column("synced_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyword_list")),
        sa.UniqueConstraint("name", name=op.f("uq_keyword_list_name")),
    )
    op.create_table(
        "review_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_ms", sa.BigInteger(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_action")),
    )
    op.create_index(op.f("ix_review_action_event_id"), "review_action", ["event_id"])
    op.create_table(
        "rule_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_version")),
    )
    op.create_index("uq_rule_version", "rule_version", ["rule_id", "version"], unique=True)
    with op.batch_alter_table("moderation_rule") as batch:
        batch.add_column(sa.Column("keyword_list_id", sa.Integer(), nullable=True))
    op.create_index("ix_callback_event_flagged", "callback_event", ["id"],
                    sqlite_where=sa.text(FLAGGED), postgresql_where=sa.text(FLAGGED))
    op.create_index("ix_callback_event_rule_hits", "callback_event", ["rule_id", "received_ms"],
                    sqlite_where=sa.text(HIT), postgresql_where=sa.text(HIT))


def downgrade() -> None:
    op.drop_index("ix_callback_event_rule_hits", table_name="callback_event")
    op.drop_index("ix_callback_event_flagged", table_name="callback_event")
    with op.batch_alter_table("moderation_rule") as batch:
        batch.drop_column("keyword_list_id")
    op.drop_index("uq_rule_version", table_name="rule_version")
    op.drop_table("rule_version")
    op.drop_index(op.f("ix_review_action_event_id"), table_name="review_action")
    op.drop_table("review_action")
    op.drop_table("keyword_list")
