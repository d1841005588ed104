"""The dashboard's health sections: active alerts and IM's alarms at the top, IM calls per
endpoint (error rate, p95 latency) and callbacks per category over the last 24 hours."""
from __future__ import annotations

import datetime as dt

from events_support import Callbacks

from console.audit import AuditContext, write_entry
from console.monitoring import stats
from console import db
from console.models import utcnow

OVER_LIMIT = {"CallbackCommand": "Alert.RequestOverLimit", "ServiceName": "openim", "Command": "sendmsg",
              "Request": 250, "Limit": 200}


def _call(app, endpoint: str, latency: int, outcome: str = "ok") -> None:
    write_entry(app, AuditContext(source="cli"), action=f"call.{endpoint}", endpoint=endpoint, targets=[],
                outcome=outcome, latency_ms=latency, error_code=70402 if outcome == "failed" else None)


def test_p95_latency_and_error_rate_per_endpoint(app):
    for latency in range(1, 101):  # 1..100 ms: the 95th percentile is 95
        _call(app, "openim/sendmsg", latency, "failed" if latency % 4 == 0 else "ok")
    _call(app, "profile/portrait_get", 7)
    with db.new_session(app) as sess:
        found = {s.endpoint: s for s in stats.endpoint_stats(sess)}
        assert stats.endpoint_stats(sess, utcnow() + dt.timedelta(hours=25)) == []  # a day later
        assert stats.endpoint_stats(sess, utcnow() - dt.timedelta(hours=1)) == []  # before them
    send, portrait = found["openim/sendmsg"], found["profile/portrait_get"]
    assert (send.calls, send.failed, send.error_rate, send.p95_ms) == (100, 25, 25.0, 95)
    assert (portrait.calls, portrait.failed, portrait.p95_ms) == (1, 0, 7)
    assert list(found) == ["openim/sendmsg", "profile/portrait_get"]  # the worst first


def test_dashboard_shows_alarms_alerts_endpoints_and_callback_volume(app, operators, signed_in):
    callbacks = Callbacks(app)
    callbacks.ack("Alert.RequestOverLimit", OVER_LIMIT)
    callbacks.ack("Alert.RequestOverLimit", OVER_LIMIT)  # a re-delivery: one alarm
    for n in range(3):
        callbacks.ack("State.StateChange", {"CallbackCommand": "State.StateChange", "EventTime": n,
                                            "Info": {"Action": "Login", "To_Account": f"u{n}"}})
    callbacks.post("State.StateChange", {}, token="forged")
    app.extensions["events"].flush()
    for latency in (10, 20, 30):
        _call(app, "openim/sendmsg", latency, "failed" if latency == 30 else "ok")

    page = signed_in("viewer").get("/").get_data(as_text=True)
    alarms = page[page.index("dashboard-alarms"):]
    assert alarms.count("Alert.RequestOverLimit openim/sendmsg: 250/200") == 1
    assert "No active alert." in page
    row = page[page.index('data-endpoint="openim/sendmsg"'):]
    row = row[:row.index("</tr>")]
    assert ">3<" in row and ">1<" in row and "33.3%" in row and "30 ms" in row
    volume = page[page.index("dashboard-callbacks"):]
    assert 'data-category="State"' in volume and 'data-category="Alert"' in volume
    assert "1 re-delivery" in volume and "1 callback refused in the last 24 hours." in volume
    assert page.index("dashboard-alarms") < page.index("ops-chart")  # at the top
