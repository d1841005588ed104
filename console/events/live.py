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
from collections import deque
from collections.abc import Callable, Iterator

from sqlalchemy.engine import Engine

from console.events import store
from console.events.broker import Subscription

BATCH = 200
REWIND = 500
HEARTBEAT = 15.0


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
            top = store.max_id(conn)
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
        after = max(after, top)
        low = max(after - rewind, floor)
        if not sub.wait(heartbeat):
            yield ": keep-alive\n\n"
