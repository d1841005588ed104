"""signin: server-side operator sessions, sign-in history, TOTP second factors, recovery codes,
the single sign-on identity of an operator

Revision ID: 0008_signin
Revises: 0007_alerts
Create Date: 2026-12-05

The session cookie carries only a random token whose hash is `operator_session.token_hash`; every
request checks the row, so logout and "end session" refuse every copy of the cookie.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_signin"
down_revision = "0007_alerts"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _operator_fk(table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["operator_id"], ["operator.id"], name=op.f(f"fk_{table}_operator_id_operator"),
                                   ondelete=ondelete)


def upgrade() -> None:
    with op.batch_alter_table("operator") as batch:
        batch.add_column(sa.Column("sso_subject", sa.String(255), nullable=True))
        batch.create_unique_constraint(op.f("uq_operator_sso_subject"), ["sso_subject"])
    op.create_table(
        "operator_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        _time("created_at"),
        _time("last_seen_at"),
        _time("proved_at"),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(256), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        _time("ended_at", True),
        _operator_fk("operator_session"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_operator_session_token_hash")),
    )
    op.create_index(op.f("ix_operator_session_operator_id"), "operator_session", ["operator_id"])
    op.create_index(op.f("ix_operator_session_ended_at"), "operator_session", ["ended_at"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("at"),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(256), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        _operator_fk("sign_in_attempt", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index(op.f("ix_sign_in_attempt_at"), "sign_in_attempt", ["at"])
    op.create_index(op.f("ix_sign_in_attempt_operator_id"), "sign_in_attempt", ["operator_id"])
    op.create_table(
        "operator_totp",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        _time("created_at"),
        _time("enabled_at", True),
        _operator_fk("operator_totp"),
        sa.PrimaryKeyConstraint("operator_id", name=op.f("pk_operator_totp")),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        _time("used_at", True),
        _operator_fk("recovery_code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_operator_id"), "recovery_code", ["operator_id"])


def downgrade() -> None:
    op.drop_table("recovery_code")
    op.drop_table("operator_totp")
    op.drop_table("sign_in_attempt")
    op.drop_table("operator_session")
    with op.batch_alter_table("operator") as batch:
        batch.drop_constraint(op.f("uq_operator_sso_subject"), type_="unique")
        batch.drop_column("sso_subject")
