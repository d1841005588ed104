"""After the commit: the account directory learns from callbacks, off the hot path."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from console import directory
from console.events.ingest import directory_items
from console.events.writer import BatchThread

log = logging.getLogger(__name__)


def feed_directory(engine: Engine, rows: list[dict]) -> int:
    """Upsert the accounts named by `rows` (last seen, online state); returns how many."""
    items = directory_items(rows)
    if not items:
        return 0
    newest = max(row["received_ms"] for row in rows)
    seen_at = dt.datetime.fromtimestamp(newest / 1000, tz=dt.timezone.utc)
    with Session(bind=engine) as sess:
        directory.upsert_accounts(sess, items, "callback", seen_at=seen_at)
        sess.commit()
    return len(items)


class DirectoryFeed(BatchThread):
    """Committed groups of rows, fed to the directory in batches by one thread per process."""

    name = "callback-directory-feed"

    def __init__(self, engine: Engine):
        super().__init__(max_batch=64)
        self.engine = engine

    def handle(self, batch: list) -> None:
        rows = [row for group in batch for row in group]
        feed_directory(self.engine, rows)
