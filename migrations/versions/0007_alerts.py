"""alerts: rules, alerts and their events, webhooks and deliveries; refusals per minute

Revision ID: 0007_alerts
Revises: 0006_events_first_delivery
Create Date: 2026-12-04

console/monitoring evaluates admin-defined alert rules in the job consumer. `callback_refusal`
counts refusals since the start; the rule on refusals needs them per minute, hence
`callback_refusal_minute` (kept by the callback writer beside the total).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007_alerts"
down_revision = "0006_events_first_delivery"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ACTIVE = "status != 'resolved'"


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "callback_refusal_minute",
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("minute", "reason", name=op.f("pk_callback_refusal_minute")),
    )
    op.create_table(
        "alert_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rule")),
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("rule_name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", JSON, nullable=False),
        _time("opened_at"),
        _time("last_seen_at"),
        _time("acknowledged_at", True),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        _time("resolved_at", True),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    op.create_index(op.f("ix_alert_rule_id"), "alert", ["rule_id"])
    op.create_index(op.f("ix_alert_status"), "alert", ["status"])
    op.create_index(op.f("ix_alert_opened_at"), "alert", ["opened_at"])
    op.create_index("uq_alert_active_rule", "alert", ["rule_id"], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    op.create_table(
        "alert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        _time("at"),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("text", sa.String(512), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_alert_event_alert_id_alert"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_event")),
        sa.UniqueConstraint("alert_id", "source", "ref", name=op.f("uq_alert_event_alert_id")),
    )
    op.create_index(op.f("ix_alert_event_alert_id"), "alert_event", ["alert_id"])
    op.create_table(
        "alert_webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("secret", sa.String(256), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _time("created_at"),
        _time("updated_at"),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_webhook")),
    )
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("webhook_name", sa.String(128), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at", True),
        _time("created_at"),
        _time("delivered_at", True),
        sa.Column("last_error", sa.String(512), nullable=True),
        sa.Column("log", JSON, nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_alert_delivery_alert_id_alert"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_delivery")),
    )
    for column in ("alert_id", "webhook_id", "status", "next_attempt_at", "created_at"):
        op.create_index(op.f(f"ix_alert_delivery_{column}"), "alert_delivery", [column])


def downgrade() -> None:
    op.drop_table("alert_delivery")
    op.drop_table("alert_webhook")
    op.drop_table("alert_event")
    op.drop_index("uq_alert_active_rule", table_name="alert")
    op.drop_table("alert")
    op.drop_table("alert_rule")
    op.drop_table("callback_refusal_minute")
