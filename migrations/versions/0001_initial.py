"""initial: operators, audit log, account directory, jobs, settings

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC = sa.DateTime(timezone=True)
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The audit tables are append-only: on PostgreSQL the database itself refuses changes.
APPEND_ONLY_FN = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""
AUDIT_TABLES = ("audit_entry", "audit_target")


def upgrade() -> None:
    op.create_table(
        "operator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("session_token", sa.String(32), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_login_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("name", name=op.f("uq_operator_name")),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("occurred_at", UTC, nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sa.String(64), nullable=True),
        sa.Column("operator_role", sa.String(16), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("action", sa.String(96), nullable=False),
        sa.Column("endpoint", sa.String(128), nullable=True),
        sa.Column("targets", JSON, nullable=False),
        sa.Column("request", JSON, nullable=True),
        sa.Column("response", JSON, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("items", JSON, nullable=True),
        sa.Column("detail", JSON, nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(256), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    for column in ("action", "job_id", "occurred_at", "operator_id", "outcome", "request_id"):
        op.create_index(op.f(f"ix_audit_entry_{column}"), "audit_entry", [column])
    op.create_table(
        "audit_target",
        sa.Column("entry_id", BIGID, nullable=False),
        sa.Column("target", sa.String(160), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["audit_entry.id"],
                                name=op.f("fk_audit_target_entry_id_audit_entry")),
        sa.PrimaryKeyConstraint("entry_id", "target", name=op.f("pk_audit_target")),
    )
    op.create_index("ix_audit_target_target_entry", "audit_target", ["target", "entry_id"])

    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("nickname", sa.String(256), nullable=True),
        sa.Column("face_url", sa.String(512), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("first_seen", UTC, nullable=False),
        sa.Column("last_seen", UTC, nullable=False),
        sa.Column("online_state", sa.String(16), nullable=True),
        sa.Column("online_at", UTC, nullable=True),
        sa.Column("imported", sa.Boolean(), nullable=True),
        sa.Column("checked_at", UTC, nullable=True),
        sa.Column("muted_c2c", sa.Boolean(), nullable=True),
        sa.Column("muted_group", sa.Boolean(), nullable=True),
        sa.Column("deleted_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("user_id", name=op.f("uq_account_user_id")),
    )
    op.create_index(op.f("ix_account_last_seen"), "account", ["last_seen"])
    op.create_index(op.f("ix_account_nickname"), "account", ["nickname"])

    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("ok_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sa.String(64), nullable=True),
        sa.Column("operator_role", sa.String(16), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("heartbeat_at", UTC, nullable=True),
        sa.Column("worker", sa.String(128), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    for column in ("created_at", "kind", "status"):
        op.create_index(op.f(f"ix_job_{column}"), "job", [column])
    op.create_table(
        "job_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(256), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("code", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_job_result_job_id_job"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_result")),
    )
    op.create_index(op.f("ix_job_result_job_id"), "job_result", ["job_id"])

    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )

    if op.get_bind().dialect.name == "postgresql":
        # Prefix search (LIKE 'abc%') needs pattern-ops indexes under a non-C collation.
        op.execute("CREATE INDEX ix_account_user_id_pattern ON account (user_id varchar_pattern_ops)")
        op.execute("CREATE INDEX ix_account_nickname_pattern ON account (lower(nickname) varchar_pattern_ops)")
        op.execute(APPEND_ONLY_FN)
        for table in AUDIT_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in AUDIT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    for table in ("setting", "job_result", "job", "account", "audit_target", "audit_entry", "operator"):
        op.drop_table(table)
