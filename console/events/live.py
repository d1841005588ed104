"""The live tail behind /events/stream: Server-Sent Events read from the database.

A stream starts after a known id (the browser's `Last-Event-ID`, or the id the page was rendered
at), sends every matching row committed since, then sleeps on its hub subscription until the
broker says there is more, sending a keep-alive comment every `heartbeat` seconds so a dead
client frees its thread. Rows come from the database, so a reconnect replays what was missed.

`RecentRows` reads the newest rows once per notification for every stream of the process (fifty
viewers cost one query, not fifty); a stream that needs older rows (a replay) asks the database.

On PostgreSQL two workers can commit ids out of order (11 visible before 10), so each poll looks
back `REWIND` ids (never below where the client started) and skips those already sent. SQLite
serialises writers: no look-back needed.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator

from sqlalchemy.engine import Engine

from console.events import store
from console.events.broker import Subscription

BATCH = 200
REWIND = 500
HEARTBEAT = 15.0


class RecentRows:
    """The newest rows, fetched once per hub generation and shared by every stream."""

    def __init__(self, engine: Engine, hub, size: int = 2000):
        self.engine = engine
        self.hub = hub
        self.size = size
        # out-of-order commits land within a few ids of each other: a short look-back will do
        self.rewind = 100 if engine.dialect.name == "postgresql" else 0
        self._rows: dict[int, object] = {}
        self._start: int | None = None  # every row with a greater id is (or was) held here
        self._top = 0
        self._generation = -1
        self._refreshed_at = 0.0
        self._lock = threading.Lock()

    def after(self, low: int) -> list | None:
        """Rows with id > low, oldest first; None when the buffer does not reach back to low."""
        with self._lock:
            # Refresh on news, and now and then anyway in case a notification was lost.
            if self._generation != self.hub.generation or \
                    time.monotonic() - self._refreshed_at > HEARTBEAT / 3:
                self._generation = self.hub.generation
                self._refreshed_at = time.monotonic()
                self._refresh()
            if low < self._start:
                return None
            return sorted((r for i, r in self._rows.items() if i > low), key=lambda r: r.id)

    def _refresh(self) -> None:
        with self.engine.connect() as conn:
            if self._start is None:
                self._start = self._top = store.max_id(conn)
                return
            while True:
                rows = store.since(conn, max(self._top - self.rewind, self._start), None,
                                   store.Filters(), BATCH)
                for row in rows:
                    self._rows.setdefault(row.id, row)
                    self._top = max(self._top, row.id)
                if len(rows) < BATCH:
                    break
        if len(self._rows) > self.size:
            for old in sorted(self._rows)[: len(self._rows) - self.size]:
                del self._rows[old]
            self._start = max(self._start, min(self._rows) - 1)


class FragmentCache:
    """Rendered rows shared by every stream of the process (key: id, language, time zone), so
    fifty open viewers render a new event once, not fifty times."""

    def __init__(self, size: int = 2000):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, render: Callable[[], str]) -> str:
        with self._lock:
            html = self._items.get(key)
        if html is None:
            html = render()
            with self._lock:
                self._items[key] = html
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return html


def sse_message(event_id: int, html: str, event: str = "callback") -> str:
    """One SSE message; every line of the fragment becomes its own `data:` line."""
    data = "\n".join("data: " + line for line in html.splitlines() or [""])
    return f"id: {event_id}\nevent: {event}\n{data}\n\n"


def tail(engine: Engine, sub: Subscription, after: int, filters: store.Filters,
         render: Callable[[object], str], *, recent: RecentRows | None = None, stopping=None,
         heartbeat: float = HEARTBEAT) -> Iterator[str]:
    rewind = REWIND if engine.dialect.name == "postgresql" else 0
    sent: deque[int] = deque(maxlen=4 * REWIND)
    seen: set[int] = set()
    yield f"retry: 3000\n: stream served by process {os.getpid()}\n\n"
    floor = after  # the client has everything up to here: never resend below it
    low = after
    while not sub.closed and not (stopping is not None and stopping.is_set()):
        shared = recent.after(low) if recent is not None else None
        if shared is not None:
            rows = [row for row in shared if filters.matches(row)]
            top = max((row.id for row in shared), default=after)
        else:
            with engine.connect() as conn:
                # Filtered streams skip past rows they do not show; the others just follow theirs.
                top = store.max_id(conn) if filters else None
                rows = store.since(conn, low, top, filters, BATCH)
            if len(rows) == BATCH:  # far behind (a replay): continue right after this batch
                low = rows[-1].id
                yield from _send(rows, seen, sent, render)
                continue
            top = top if top is not None else max((r.id for r in rows), default=after)
        yield from _send(rows, seen, sent, render)
        after = max(after, top)
        low = max(after - rewind, floor)
        if not sub.wait(heartbeat):
            yield ": keep-alive\n\n"


def _send(rows: list, seen: set[int], sent: deque, render) -> Iterator[str]:
    for row in rows:
        if row.id in seen:
            continue
        if len(sent) == sent.maxlen:
            seen.discard(sent[0])
        sent.append(row.id)
        seen.add(row.id)
        yield sse_message(row.id, render(row))
