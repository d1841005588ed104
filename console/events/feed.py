"""After the commit: the account directory learns from callbacks, off the hot path."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from console import directory
from console.events.ingest import directory_items

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


class DirectoryFeed:
    """Rows committed since the last feed; the writer thread feeds them when it is idle-ish
    (at most every `BatchThread.idle_every`), so directory upserts never fight the inserts."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._rows: list[dict] = []

    def add(self, rows: list[dict]) -> None:
        self._rows.extend(row for row in rows if row.get("duplicate_of") is None)

    def feed(self) -> None:
        rows, self._rows = self._rows, []
        if rows:
            try:
                feed_directory(self.engine, rows)
            except Exception:  # noqa: BLE001 - the directory is a convenience, never a blocker
                log.exception("feeding %d callback rows to the directory failed", len(rows))
