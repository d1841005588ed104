"""events: stored callback events, moderation rules, refusal counters

Revision ID: 0002_events
Revises: 0001_initial
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_events"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EVENT_INDEXES = ("received_ms", "command", "category", "dedup_key", "group_id")


def upgrade() -> None:
    op.create_table(
        "callback_event",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.Column("command", sa.String(96), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("app_id", sa.BigInteger(), nullable=True),
        sa.Column("client_ip", sa.String(64), nullable=True),
        sa.Column("platform", sa.String(32), nullable=True),
        sa.Column("event_time", sa.BigInteger(), nullable=True),
        sa.Column("request_time", sa.BigInteger(), nullable=True),
        sa.Column("sign_status", sa.String(16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("ack", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("rule_name", sa.String(128), nullable=True),
        sa.Column("handling_ms", sa.Float(), nullable=True),
        sa.Column("dedup_key", sa.String(64), nullable=False),
        sa.Column("duplicate_of", sa.BigInteger(), nullable=True),
        sa.Column("accounts", sa.Text(), nullable=False),
        sa.Column("group_id", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_event")),
    )
    for column in EVENT_INDEXES:
        op.create_index(op.f(f"ix_callback_event_{column}"), "callback_event", [column])

    op.create_table(
        "moderation_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("scope", sa.String(24), nullable=False),
        sa.Column("match", sa.String(16), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_info", sa.String(256), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_rule")),
    )
    op.create_index(op.f("ix_moderation_rule_scope"), "moderation_rule", ["scope"])

    op.create_table(
        "callback_refusal",
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("last_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_detail", sa.String(256), nullable=True),
        sa.PrimaryKeyConstraint("reason", name=op.f("pk_callback_refusal")),
    )


def downgrade() -> None:
    op.drop_table("callback_refusal")
    op.drop_index(op.f("ix_moderation_rule_scope"), table_name="moderation_rule")
    op.drop_table("moderation_rule")
    for column in EVENT_INDEXES:
        op.drop_index(op.f(f"ix_callback_event_{column}"), table_name="callback_event")
    op.drop_table("callback_event")
