"""The Events page: one list (stored events, new ones arriving on top over SSE), the detail pane
beside it, filter chips, the per-minute rate chart per category, replay."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from console import forms
from console.audit import record_action
from console.ui import labels as im_labels
from console.ui.charts import stacked_chart
from console.ui.filters import localtime
from console.ui.htmx import targets
from console.events import labels as _labels  # noqa: F401  (registers the event_category vocabulary)
from console.events import runtime, store, token_fingerprint
from console.events.views.stream import sse
from console.tim import text as tim_text
from console.security import role_required, sudo_required

bp = Blueprint("events", __name__, url_prefix="/events")


def _engine():
    return runtime(current_app).engine


def _filters() -> store.Filters:
    return store.Filters.from_args(request.args)


@bp.route("")
@role_required("viewer")
def index():
    return _page()


def _page(selected=None):
    """The page; `selected`: the stored event shown in the detail pane (a shared /events/<id>)."""
    filters = _filters()
    with _engine().connect() as conn:
        rows, next_before = store.history(conn, filters)
        commands, categories = store.choices(conn)
        refusals = store.refusals(conn)
        last_id = store.max_id(conn)
        pane = _pane(conn, selected) if selected is not None else None
    return render_template(
        "events/index.html", rows=rows, next_before=next_before, filters=filters,
        commands=commands, categories=categories, outcomes=store.OUTCOMES, refusals=refusals,
        last_id=last_id, pane=pane, selected_id=selected.id if selected is not None else None,
        retention_days=current_app.config["EVENTS_RETENTION_DAYS"])


@bp.route("/history")
@role_required("viewer")
def history():
    """Fragment: the next page of stored events (keyset: `before` = the last id shown)."""
    with _engine().connect() as conn:
        rows, next_before = store.history(conn, _filters(), forms.query_int(request.args, "before"))
    return render_template("events/_history_rows.html", rows=rows, next_before=next_before,
                           filters=_filters())


@bp.route("/stream")
@role_required("viewer")
def stream():
    """SSE: every matching event committed after `Last-Event-ID` (or `?after=`), live."""
    return sse(_filters(), lambda row: render_template("events/_row.html", ev=row, live=True))


@bp.route("/<int:event_id>")
@role_required("viewer")
def detail(event_id: int):
    """The detail pane's fragment (payload, ack, decision, sign, re-deliveries, replay); opened
    directly (a shared link, a reload), the page with that event in the pane."""
    fragment = targets("event-detail")
    with _engine().connect() as conn:
        row = store.get(conn, event_id)
        pane = _pane(conn, row) if row is not None and fragment else None
    if row is None:
        abort(404)
    if not fragment:
        return _page(selected=row)
    return render_template("events/_detail.html", **pane)


def _pane(conn, row) -> dict:
    return dict(ev=row, payload=_pretty(row.payload), ack=_pretty(row.ack),
                redeliveries=store.redeliveries(conn, row.id) if row.duplicate_of is None else [])


def _pretty(text: str) -> str:
    try:
        return json.dumps(tim_text.loads(text), indent=2, ensure_ascii=False)
    except (TypeError, ValueError):
        return tim_text.clean(text or "")


@bp.route("/<int:event_id>/replay", methods=["POST"])
@role_required("operator")
def replay(event_id: int):
    """Run a stored event through the current rules and the directory feed (audited)."""
    result = runtime(current_app).replay(event_id)
    if result is None:
        abort(404)
    row, decision = result
    detail = {"command": row.command, "decision": decision.action if decision else None,
              "rule_id": decision.rule_id if decision else None}
    record_action("events.replay", targets=[f"event:{event_id}"], detail=detail)
    return render_template("events/_replay.html", ev=row, decision=decision,
                           ack=json.dumps(decision.ack if decision else {}, indent=2,
                                          ensure_ascii=False))


@bp.route("/rate")
@role_required("viewer")
def rate():
    """Fragment: events per minute over the last half hour, stacked by category."""
    with _engine().connect() as conn:
        first, series = store.per_minute(conn, filters=_filters())
    labels = [localtime((first + i) * 60, "HH:mm") for i in range(store.RATE_MINUTES)]
    chart = stacked_chart(labels, series)
    totals = [(category, sum(counts)) for category, counts in series.items()]
    names = [im_labels.label("event_category", category) or category for category in series]
    return render_template("events/_rate.html", chart=chart, totals=totals, names=names,
                           minutes=store.RATE_MINUTES,
                           title=_("Events per minute, last %(n)d minutes", n=store.RATE_MINUTES))


@bp.route("/callback-token", methods=["POST"])
@role_required("admin")
@sudo_required
def reveal_token():
    """Fragment: the callback token, for pasting into Tencent's console (admin, audited)."""
    token = current_app.config.get("TIM_CALLBACK_TOKEN")
    if not token:
        abort(404)
    record_action("settings.callback_token.reveal", detail={"fingerprint": token_fingerprint(token)})
    return render_template("events/_token.html", token=token)
