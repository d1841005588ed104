"""The review queue (/review): messages flag rules let through, live, and one-click decisions."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, stream_with_context
from flask_babel import get_locale, get_timezone

from console import db
from console.audit import record_action
from console.events import live, review, runtime, store
from console.monitoring import metrics
from console.security import current_user, role_required
from console.tim import TimError

bp = Blueprint("review", __name__, url_prefix="/review")
STATES = ("open", "decided", "all")


def _engine():
    return runtime(current_app).engine


def _state() -> str:
    state = request.args.get("state", "open")
    return state if state in STATES else "open"


def _before() -> int | None:
    value = request.args.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@bp.route("")
@role_required("viewer")
def index():
    state = _state()
    with _engine().connect() as conn:
        items, next_before = review.page(conn, state)
        waiting = review.open_count(conn)
        last_id = store.max_id(conn)
    return render_template("events/review/index.html", items=items, next_before=next_before,
                           state=state, waiting=waiting, last_id=last_id,
                           durations=review.DURATIONS)


@bp.route("/more")
@role_required("viewer")
def more():
    """Fragment: the next page of the queue (keyset: `before` = the last id shown)."""
    with _engine().connect() as conn:
        items, next_before = review.page(conn, _state(), _before())
    return render_template("events/review/_items.html", items=items, next_before=next_before,
                           state=_state(), durations=review.DURATIONS)


@bp.route("/stream")
@role_required("viewer")
def stream():
    """SSE: every message flagged after `Last-Event-ID` (or `?after=`), as a queue item."""
    events = runtime(current_app)
    if not events.streams.acquire(blocking=False):
        return Response("retry: 15000\n\n", status=503, mimetype="text/event-stream")
    try:
        key = (str(get_locale()), str(get_timezone()), "review", current_user.has_role("operator"))
        db.session.close()
        after = request.headers.get("Last-Event-ID", type=int)
        if after is None:
            after = request.args.get("after", type=int)
        if after is None:
            with events.engine.connect() as conn:
                after = store.max_id(conn)
        sub = events.hub.subscribe()
    except BaseException:
        events.streams.release()
        raise
    metrics.LIVE_VIEWERS.inc()

    def render_item(row) -> str:
        with events.engine.connect() as conn:
            item = review.get(conn, row.id)
        return render_template("events/review/_item.html", item=item, durations=review.DURATIONS)

    def render(row) -> str:
        return events.fragments.get((row.id, *key), lambda: render_item(row))

    def generate():
        try:
            yield from live.tail(events.engine, sub, after, review.FLAGGED, render, recent=events.recent,
                                 stopping=events.stopping)
        finally:
            events.hub.unsubscribe(sub)
            events.streams.release()
            metrics.LIVE_VIEWERS.dec()

    response = Response(stream_with_context(generate()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _item(event_id: int) -> review.Item:
    with _engine().connect() as conn:
        item = review.get(conn, event_id)
    if item is None:
        abort(404)
    return item


@bp.route("/<int:event_id>/decide", methods=["POST"])
@role_required("operator")
def decide(event_id: int):
    """Recall, mute, ban (one audited IM call each) or dismiss; the item records the decision."""
    item = _item(event_id)
    plan = review.plan_decision(request.form, item)
    error = None
    try:
        with _engine().connect() as conn:
            result = review.im_call(g.tim, conn, item, plan)
        error = review.failed_items(result)
    except TimError as exc:
        error = f"{exc.code}: {exc.info or ''}".strip()
    if plan["action"] == "dismiss":
        record_action("review.dismiss", targets=[f"event:{item.id}", f"user:{item.sender}"],
                      detail={"rule": item.rule_name})
    review.record(db.session, item, plan, current_user.name, error)
    db.session.commit()
    # a failed call is shown on the item itself (its decisions list), which stays open
    return render_template("events/review/_item.html", item=_item(event_id), durations=review.DURATIONS)
