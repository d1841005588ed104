"""directory indexes: nickname parts by trigram, ID prefix and last-seen order by covering indexes

Revision ID: 0010_directory_indexes
Revises: 0007_alerts
Create Date: 2026-12-05

A million-account directory must list and search in tens of milliseconds (issue #21).

- SQLite: `account_nick_fts`, an FTS5 table with the trigram tokenizer over `account.nickname`
  (external content: it stores only the index), kept in sync by triggers on insert, on update of
  the nickname and on delete; `console.accounts.domain` searches nickname parts of 3 characters
  or more with it. Note: a later batch migration that recreates `account` drops these triggers;
  it must create them again (`create_sqlite_triggers`).
- PostgreSQL: the pg_trgm GIN index on lower(nickname) (already made by 0005 when the extension
  could be created; made here again if it is missing).
- Both: (last_seen, user_id) and (first_seen, user_id) for the time sorts and their keyset pages,
  in place of the single-column last_seen index (the unique user_id index already serves the ID
  prefix and the exact ID, and carries the row id).
"""
from alembic import op

revision = "0010_directory_indexes"
down_revision = "0009_moderation"
branch_labels = None
depends_on = None

FTS = "account_nick_fts"
TRGM = "ix_account_nickname_trgm_pattern"  # "_pattern": PostgreSQL-only, kept out of the models

SQLITE_TRIGGERS = {
    f"{FTS}_ai": f"""
        CREATE TRIGGER {FTS}_ai AFTER INSERT ON account WHEN new.nickname IS NOT NULL BEGIN
            INSERT INTO {FTS}(rowid, nickname) VALUES (new.id, new.nickname);
        END""",
    f"{FTS}_ad": f"""
        CREATE TRIGGER {FTS}_ad AFTER DELETE ON account WHEN old.nickname IS NOT NULL BEGIN
            INSERT INTO {FTS}({FTS}, rowid, nickname) VALUES ('delete', old.id, old.nickname);
        END""",
    f"{FTS}_au": f"""
        CREATE TRIGGER {FTS}_au AFTER UPDATE OF nickname, id ON account
        WHEN old.nickname IS NOT new.nickname OR old.id IS NOT new.id BEGIN
            INSERT INTO {FTS}({FTS}, rowid, nickname) SELECT 'delete', old.id, old.nickname
             WHERE old.nickname IS NOT NULL;
            INSERT INTO {FTS}(rowid, nickname) SELECT new.id, new.nickname WHERE new.nickname IS NOT NULL;
        END""",
}


def create_sqlite_triggers() -> None:
    for sql in SQLITE_TRIGGERS.values():
        op.execute(sql)


def upgrade() -> None:
    op.drop_index("ix_account_last_seen", table_name="account")
    op.create_index("ix_account_last_seen_user_id", "account", ["last_seen", "user_id"])
    op.create_index("ix_account_first_seen_user_id", "account", ["first_seen", "user_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(nickname, content='account', "
                   "content_rowid='id', tokenize='trigram')")
        op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        create_sqlite_triggers()
        return
    op.execute("""
        DO $$
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
            RAISE NOTICE 'pg_trgm unavailable: nickname search scans the directory';
        END $$;
    """)
    op.execute(f"""
        DO $$
        DECLARE ext_schema text;
        BEGIN
            SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname = 'pg_trgm';
            IF ext_schema IS NOT NULL THEN
                EXECUTE format('CREATE INDEX IF NOT EXISTS {TRGM} ON account '
                               'USING gin (lower(nickname) %I.gin_trgm_ops)', ext_schema);
            END IF;
        END $$;
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_index("ix_account_first_seen_user_id", table_name="account")
    op.drop_index("ix_account_last_seen_user_id", table_name="account")
    op.create_index("ix_account_last_seen", "account", ["last_seen"])
