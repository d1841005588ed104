"""The live stream behind the Events page and the review queue: SSE over `console.events.live`."""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request, stream_with_context
from flask_babel import get_locale, get_timezone

from console import db, forms
from console.events import live, runtime, store
from console.monitoring import metrics


def sse(filters, render: Callable[[object], str], kind: str = "") -> Response:
    """Every row matching `filters` committed after `Last-Event-ID` (or `?after=`), live, each
    as `render(row)` (cached per row, language, time zone and `kind` for every stream)."""
    events = runtime(current_app)
    if not events.streams.acquire(blocking=False):
        return Response("retry: 15000\n\n", status=503, mimetype="text/event-stream")
    try:
        key = (str(get_locale()), str(get_timezone()), kind)
        # Sign-in loaded the operator through the request's session: give its connection back
        # before taking another. Viewers reconnecting together (a restart, a network blip) would
        # otherwise each hold one while waiting for a second, and could hold the whole pool.
        db.session.close()
        after = request.headers.get("Last-Event-ID", type=forms.bounded_int)
        if after is None:
            after = forms.query_int(request.args, "after")
        if after is None:
            with events.engine.connect() as conn:
                after = store.max_id(conn)
        sub = events.hub.subscribe()
    except BaseException:
        events.streams.release()
        raise
    metrics.LIVE_VIEWERS.inc()

    def cached(row) -> str:
        return events.fragments.get((row.id, *key), lambda: render(row))

    def generate():
        try:
            yield from live.tail(events.engine, sub, after, filters, cached, recent=events.recent,
                                 stopping=events.stopping)
        finally:
            events.hub.unsubscribe(sub)
            events.streams.release()
            metrics.LIVE_VIEWERS.dec()

    response = Response(stream_with_context(generate()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response
