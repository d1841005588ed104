"""Operations: the 30-day statistics as charts, message-log downloads by hour, IM's IP lists."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from console.forms import FormError
from console.ops import data as ops_data
from console.ui.charts import bar_chart
from console.security import role_required
from console.tim import TimError

bp = Blueprint("operations", __name__, url_prefix="/operations")

# Every numeric field of openconfigsvr/getappinfo, grouped for the page.
METRIC_GROUPS = [
    (_l("Users"), [
        ("RegistUserNumOneDay", _l("New accounts")), ("RegistUserNumTotal", _l("Accounts in total")),
        ("ActiveUserNum", _l("Active users")), ("LoginUserNum", _l("Users who signed in")),
        ("LoginTimes", _l("Sign-ins")), ("MaxOnlineNum", _l("Peak online")),
        ("ChainIncrease", _l("Friendships added")), ("ChainDecrease", _l("Friendships removed"))]),
    (_l("All messages"), [
        ("UpMsgNum", _l("Messages sent")), ("DownMsgNum", _l("Messages delivered")),
        ("SendMsgUserNum", _l("Users who sent")), ("APNSMsgNum", _l("Offline pushes"))]),
    (_l("One-to-one messages"), [
        ("C2CUpMsgNum", _l("Sent")), ("C2CDownMsgNum", _l("Delivered")),
        ("C2CSendMsgUserNum", _l("Users who sent")), ("C2CAPNSMsgNum", _l("Offline pushes"))]),
    (_l("Group messages"), [
        ("GroupUpMsgNum", _l("Sent")), ("GroupDownMsgNum", _l("Delivered")),
        ("GroupSendMsgUserNum", _l("Users who sent")), ("GroupSendMsgGroupNum", _l("Groups with messages")),
        ("GroupAPNSMsgNum", _l("Offline pushes"))]),
    (_l("Groups"), [
        ("GroupNewGroupNum", _l("Groups created")), ("GroupDestroyGroupNum", _l("Groups dismissed")),
        ("GroupAllGroupNum", _l("Groups in total")), ("GroupJoinGroupTimes", _l("Joins")),
        ("GroupQuitGroupTimes", _l("Leaves"))]),
    (_l("Callbacks"), [("CallBackReq", _l("Callback requests")), ("CallBackRsp", _l("Callback answers"))]),
]
NET_TYPES = [(0, _l("all")), (1, _l("native SDK, China (incl. Hong Kong)")), (2, _l("native SDK, outside China")),
             (3, _l("web SDK, China")), (4, _l("web SDK, outside China")),
             (5, _l("callback egress, China")), (6, _l("callback egress, outside China"))]
SERVICE_TZ = dt.timezone(dt.timedelta(hours=8))  # get_history hours are Beijing time
HISTORY_DAYS = 7
NO_FILE = {1004: _l("No file for this hour: it is not generated yet (allow an hour), or nobody wrote then."),
           1005: _l("The file of this hour has expired (files are kept 7 days).")}


@bp.route("")
@role_required("viewer")
def index():
    today = dt.datetime.now(SERVICE_TZ).date()
    days = [today - dt.timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
    return render_template("ops/operations/index.html", days=days, hours=range(24), net_types=NET_TYPES)


@bp.route("/charts")
@role_required("viewer")
def charts():
    """Fragment: one chart per metric of the last 30 days (one IM call)."""
    days = ops_data.days_oldest_first(g.tim.operation.get_operation_data())
    groups = []
    for title, metrics in METRIC_GROUPS:
        charts_ = []
        for key, label in metrics:
            points = ops_data.series(days, key)
            charts_.append({"key": key, "label": label, "latest": points[-1][1] if points else None,
                            "chart": bar_chart(points, width=360, height=150)})
        groups.append((title, charts_))
    app_info = {k: days[-1].get(k) for k in ("AppName", "AppId", "Company")} if days else {}
    return render_template("ops/operations/_charts.html", groups=groups, app_info=app_info, count=len(days))


@bp.route("/history")
@role_required("viewer")
def history():
    """Fragment: download links of one hour's message log."""
    chat_type = request.args.get("type", "C2C")
    day, hour = request.args.get("day", ""), request.args.get("hour", type=int)
    problems = {}
    if chat_type not in ("C2C", "Group"):
        problems["type"] = _("Choose one-to-one or group messages.")
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        problems["day"] = _("Choose a day.")
    if hour is None or not 0 <= hour <= 23:
        problems["hour"] = _("Choose an hour (0–23).")
    if problems:
        raise FormError(problems)
    stamp = f"{when:%Y%m%d}{hour:02d}"
    try:
        files = g.tim.operation.get_history_data(chat_type, stamp)
    except TimError as exc:
        if exc.code not in NO_FILE:
            raise
        return render_template("forms/_problems.html", problems={"": f"{exc.code}: {NO_FILE[exc.code]} ({exc.info})"})
    return render_template("ops/operations/_history.html", files=files.files, stamp=stamp, chat_type=chat_type)


@bp.route("/ips")
@role_required("viewer")
def ips():
    nettype = request.args.get("nettype", type=int)
    if nettype not in dict(NET_TYPES):
        nettype = 0
    result = g.tim.operation.get_ip_list(nettype)
    return render_template("ops/operations/_ips.html", ips=result.ips, nettype=nettype,
                           label=dict(NET_TYPES)[nettype])
