"""After the commit: the account directory learns from callbacks, off the hot path."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from console.accounts import directory
from console.events.ingest import directory_items

log = logging.getLogger(__name__)


def upsert(conn: Connection, items: list[dict], seen_ms: int) -> None:
    seen_at = dt.datetime.fromtimestamp(seen_ms / 1000, tz=dt.timezone.utc)
    with Session(bind=conn) as sess:  # begins and commits the connection's own transaction
        directory.upsert_accounts(sess, items, "callback", seen_at=seen_at)
        sess.commit()


def feed_directory(conn: Connection, rows: list[dict]) -> int:
    """Upsert the accounts named by `rows` (last seen, online state); returns how many."""
    items = directory_items(rows)
    if items:
        upsert(conn, items, max(row["received_ms"] for row in rows))
    return len(items)


class DirectoryFeed:
    """Rows committed since the last feed; the writer feeds them between commits (at most every
    `GroupWriter.idle_every`, holding the commit turn), so directory upserts never fight the
    inserts. `add` comes from whichever request led the commit, hence the lock.

    An account fed less than `refresh` seconds ago is skipped unless its online state changed:
    under steady traffic the same users call back all the time, and "last seen" to the minute
    is what the directory needs.
    """

    def __init__(self, refresh: float = 60.0, remember: int = 100_000):
        self.refresh = refresh
        self.remember = remember
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._fed: dict[str, tuple[float, str | None]] = {}

    def add(self, rows: list[dict]) -> None:
        news = [row for row in rows if row.get("duplicate_of") is None]
        with self._lock:
            self._rows += news

    def _news(self, items: list[dict], now: float) -> list[dict]:
        news = []
        for item in items:
            fed_at, state = self._fed.get(item["user_id"], (0.0, None))
            changed = item.get("online_state") is not None and item["online_state"] != state
            if changed or now - fed_at >= self.refresh:
                news.append(item)
        return news

    def feed(self, connect: Callable[[], Connection]) -> None:
        """Feed what was added since the last call, on the writer's connection."""
        with self._lock:
            rows, self._rows = self._rows, []
        now = time.monotonic()
        items = self._news(directory_items(rows), now)
        if not items:
            return
        try:
            upsert(connect(), items, max(row["received_ms"] for row in rows))
        except Exception:  # noqa: BLE001 - the directory is a convenience, never a blocker
            log.exception("feeding %d accounts to the directory failed", len(items))
            return
        if len(self._fed) > self.remember:
            self._fed.clear()
        for item in items:
            previous = self._fed.get(item["user_id"], (0.0, None))[1]
            self._fed[item["user_id"]] = (now, item.get("online_state") or previous)
