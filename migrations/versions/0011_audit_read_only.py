"""audit: a read-only flag per row, so the audit log can show actions first

Revision ID: 0011_audit_read_only
Revises: 0007_alerts
Create Date: 2026-12-05

`audit_entry.read_only` is true for an IM call that only read (`account.check_accounts`,
`group.get_groups`: the method starts with a query verb, see console/audit/kinds.py). Older rows
are filled from their action names with the same rule, a copy of it kept here so that this
revision stays as it is when the console's rule changes. On PostgreSQL the audit tables refuse
updates (0001_initial's trigger): it is switched off for the backfill only, in this transaction.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0011_audit_read_only"
down_revision = "0010_directory_indexes"
branch_labels = None
depends_on = None

INDEX = "ix_audit_entry_read_only_id"
READ = re.compile(r"^[a-z0-9_]+\.(?:get|fetch|check|search|list|iter|query)_[a-z0-9_]+$")


def upgrade() -> None:
    op.add_column("audit_entry", sa.Column("read_only", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    bind = op.get_bind()
    actions = [a for (a,) in bind.execute(sa.text("SELECT DISTINCT action FROM audit_entry"))
               if READ.match(a or "")]
    if actions:
        postgresql = bind.dialect.name == "postgresql"
        if postgresql:
            op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
        entry = sa.table("audit_entry", sa.column("action", sa.String), sa.column("read_only", sa.Boolean))
        for start in range(0, len(actions), 500):
            bind.execute(entry.update().where(entry.c.action.in_(actions[start:start + 500]))
                         .values(read_only=True))
        if postgresql:
            op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
    op.create_index(INDEX, "audit_entry", ["read_only", "id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="audit_entry")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("read_only")
