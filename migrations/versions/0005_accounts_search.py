"""accounts: trigram index for "nickname contains" search on PostgreSQL

Revision ID: 0005_accounts_search
Revises: 0004_push
Create Date: 2026-11-25

The accounts list searches `lower(nickname) LIKE '%text%'`; on PostgreSQL a GIN trigram index
(pg_trgm) answers that without scanning the directory. Where the extension cannot be created
(no permission), the search still works, by a scan. SQLite needs nothing.
"""
from alembic import op

revision = "0005_accounts_search"
down_revision = "0004_push"
branch_labels = None
depends_on = None

INDEX = "ix_account_nickname_trgm_pattern"  # "_pattern": a PostgreSQL-only index kept out of the models


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
            RAISE NOTICE 'pg_trgm unavailable: nickname search scans the directory';
        END $$;
    """)
    # The operator class is qualified with the extension's schema, wherever it was installed.
    op.execute(f"""
        DO $$
        DECLARE ext_schema text;
        BEGIN
            SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname = 'pg_trgm';
            IF ext_schema IS NOT NULL THEN
                EXECUTE format('CREATE INDEX IF NOT EXISTS {INDEX} ON account '
                               'USING gin (lower(nickname) %I.gin_trgm_ops)',
                               ext_schema);
            END IF;
        END $$;
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
