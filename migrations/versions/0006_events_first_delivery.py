"""events: one first delivery per de-duplication key, enforced by the database

Revision ID: 0006_events_first_delivery
Revises: 0005_accounts_search
Create Date: 2026-11-26

The writer used to look a key up and then insert, so two workers receiving the same first
delivery at the same instant could both store it unflagged. A unique index on `dedup_key` over
the first deliveries (`duplicate_of IS NULL`) makes the second insert fail; the writer then
stores that row as the re-delivery it is. The index replaces the plain one on `dedup_key`.

Rows stored twice before this revision are flagged first (the lowest id stays the original),
so that the index can be built. New keys also start with the body's EventTime (see
console/events/ingest.py), so a re-delivery of an event stored before the upgrade is not
recognised: it is stored once more, as a first delivery.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_events_first_delivery"
down_revision = "0005_accounts_search"
branch_labels = None
depends_on = None

UNIQUE = "uq_callback_event_first_delivery"
FIRSTS = "duplicate_of IS NULL"


def upgrade() -> None:
    op.execute(
        "UPDATE callback_event SET duplicate_of = ("
        " SELECT min(f.id) FROM callback_event f"
        " WHERE f.dedup_key = callback_event.dedup_key AND f.duplicate_of IS NULL)"
        " WHERE duplicate_of IS NULL AND id > ("
        " SELECT min(f.id) FROM callback_event f"
        " WHERE f.dedup_key = callback_event.dedup_key AND f.duplicate_of IS NULL)")
    op.drop_index(op.f("ix_callback_event_dedup_key"), table_name="callback_event")
    op.create_index(UNIQUE, "callback_event", ["dedup_key"], unique=True,
                    sqlite_where=sa.text(FIRSTS), postgresql_where=sa.text(FIRSTS))


def downgrade() -> None:
    op.drop_index(UNIQUE, table_name="callback_event")
    op.create_index(op.f("ix_callback_event_dedup_key"), "callback_event", ["dedup_key"])
