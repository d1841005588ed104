"""The live tail behind /events/stream: Server-Sent Events read from the database.

A stream starts after a known id (the browser's `Last-Event-ID`, or the id the page was rendered
at), sends every matching row committed since, then sleeps on its hub subscription until the
broker says there is more, sending a keep-alive comment every `heartbeat` seconds so a dead
client frees its thread. Rows come from the database, so a reconnect replays what was missed.

On PostgreSQL two workers can commit ids out of order (11 visible before 10), so each poll looks
back `REWIND` ids (never below where the client started) and skips those already sent. SQLite
serialises writers: no look-back needed.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator

from sqlalchemy.engine import Engine

from console.events import store
from console.events.broker import Subscription

BATCH = 200
REWIND = 500
HEARTBEAT = 15.0


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
         render: Callable[[object], str], *, stopping=None, heartbeat: float = HEARTBEAT,
         ) -> Iterator[str]:
    rewind = REWIND if engine.dialect.name == "postgresql" else 0
    sent: deque[int] = deque(maxlen=4 * REWIND)
    seen: set[int] = set()
    yield f"retry: 3000\n: stream served by process {os.getpid()}\n\n"
    floor = after  # the client has everything up to here: never resend below it
    low = after
    while not sub.closed and not (stopping is not None and stopping.is_set()):
        with engine.connect() as conn:
            # Filtered streams skip past rows they do not show; the others just follow theirs.
            top = store.max_id(conn) if filters else None
            rows = store.since(conn, low, top, filters, BATCH)
        for row in rows:
            if row.id in seen:
                continue
            if len(sent) == sent.maxlen:
                seen.discard(sent[0])
            sent.append(row.id)
            seen.add(row.id)
            yield sse_message(row.id, render(row))
        if len(rows) == BATCH:  # more than one batch waiting: continue right after this one
            low = rows[-1].id
            continue
        after = max(after, top if top is not None else max((r.id for r in rows), default=after))
        low = max(after - rewind, floor)
        if not sub.wait(heartbeat):
            yield ": keep-alive\n\n"
