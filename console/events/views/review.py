"""The review queue (/review): messages flag rules let through, live, and one-click decisions."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request

from console import db
from console.audit import record_action
from console.events import review, runtime, store
from console.events.views.stream import sse
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
    engine = _engine()

    def render(row) -> str:
        with engine.connect() as conn:
            item = review.get(conn, row.id)
        return render_template("events/review/_item.html", item=item, durations=review.DURATIONS)

    # operators see the decision buttons, viewers do not: cached apart
    return sse(review.FLAGGED, render, "review-operator" if current_user.has_role("operator") else "review")


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
