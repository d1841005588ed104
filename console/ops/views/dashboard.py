"""Dashboard: open alerts and IM's alarms first; connection mode, app, IM calls per endpoint and
callbacks per category over 24 hours, a 30-day chart of the ops data, the latest audit entries."""
from __future__ import annotations

import datetime as dt
import threading
import time

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from console import db
from console.ops import data as ops_data
from console.ui.charts import bar_chart
from console.errors import hint_for
from console.models import Alert, AuditEntry, Job, utcnow
from console.monitoring import alerts, stats
from console.security import role_required

bp = Blueprint("dashboard", __name__)

METRICS = {
    "ActiveUserNum": _l("Active users"),
    "LoginUserNum": _l("Users who signed in"),
    "UpMsgNum": _l("Messages sent"),
    "C2CUpMsgNum": _l("One-to-one messages"),
    "GroupUpMsgNum": _l("Group messages"),
    "RegistUserNumOneDay": _l("New accounts"),
    "MaxOnlineNum": _l("Peak online"),
    "CallBackReq": _l("Callback requests"),
}
#: the metrics that add up over days (events); the others count people per day (never summed)
ADDITIVE = {"UpMsgNum", "C2CUpMsgNum", "GroupUpMsgNum", "RegistUserNumOneDay", "CallBackReq"}
OPS_TTL = 600.0  # the ops data is daily: one IM call per 10 minutes is plenty
_ops_cache: dict[int, tuple[float, list[dict]]] = {}
_ops_lock = threading.Lock()


def operation_days(app) -> list[dict]:
    """The last 30 days of ops data, oldest first (cached per app for OPS_TTL seconds)."""
    key = id(app)
    with _ops_lock:
        cached = _ops_cache.get(key)
        if cached and time.monotonic() - cached[0] < OPS_TTL:
            return cached[1]
    days = ops_data.days_oldest_first(g.tim.operation.get_operation_data())
    with _ops_lock:
        _ops_cache[key] = (time.monotonic(), days)
    return days


def activity(sess, hours: int = 24) -> dict:
    """IM calls and their failures over the last `hours`, and the jobs still active."""
    since = utcnow() - dt.timedelta(hours=hours)
    rows = dict(sess.execute(select(AuditEntry.outcome, func.count()).where(
        AuditEntry.occurred_at >= since, AuditEntry.endpoint.is_not(None)).group_by(AuditEntry.outcome)).all())
    active = sess.scalar(select(func.count()).select_from(Job).where(Job.status.in_(("queued", "running"))))
    return {"calls": sum(rows.values()), "failed": rows.get("failed", 0), "partial": rows.get("partial", 0),
            "active_jobs": active or 0}


@bp.route("/")
@role_required("viewer")
def index():
    latest = db.session.scalars(select(AuditEntry).where(AuditEntry.read_only.is_(False))
                                .order_by(AuditEntry.id.desc()).limit(10)).all()
    active = db.session.scalars(select(Alert).where(Alert.status.in_(alerts.ACTIVE)).order_by(Alert.id.desc())).all()
    volume = stats.callback_volume(db.session)
    return render_template("ops/dashboard/index.html", latest=latest, metrics=METRICS,
                           region=ops_data.region_text(current_app.config),
                           activity=activity(db.session), active_alerts=active,
                           im_alarms=stats.im_alarms(db.session), endpoints=stats.endpoint_stats(db.session),
                           volume=volume, volume_chart=bar_chart([(c, n) for c, n, _a in volume["categories"]],
                                                                 height=160))


@bp.route("/dashboard/chart")
@role_required("viewer")
def chart():
    """Fragment: the chart of one metric, loaded after the page so a slow IM never blocks it."""
    metric = request.args.get("metric", "ActiveUserNum")
    if metric not in METRICS:
        metric = "ActiveUserNum"
    from console.tim import TimError

    try:
        days = operation_days(current_app._get_current_object())
    except TimError as exc:  # already audited; say so where the chart would be
        return render_template("ops/dashboard/_chart.html", error=exc, hint=hint_for(exc.code), metric=metric,
                               label=METRICS[metric], metrics=METRICS)
    points = ops_data.series(days, metric)
    return render_template("ops/dashboard/_chart.html", chart=bar_chart(points), metric=metric,
                           label=METRICS[metric], metrics=METRICS,
                           summary=ops_data.summary(points, metric in ADDITIVE))
