"""Alerts end to end: rules set by an admin, evaluation by the periodic task's function
(`alerts.tick`, as the job consumer runs it every minute), the banner and the Alerts page,
webhook delivery to a local receiver with retries, and the audit rows of every change."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
import time

import pytest
from events_support import Callbacks
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError
from webhook_receiver import receiver  # noqa: F401 - a fixture
from werkzeug.serving import make_server

from console import db
from console.models import (Alert, AlertDelivery, AlertEvent, AlertRule, AuditEntry, CallbackEvent, Job, Webhook,
                            utcnow)
from console.monitoring import alerts, webhooks
from console.tim import TimError

ENDPOINT = "im_open_login_svc/account_check"


def add_webhook(admin, url: str, fmt: str = "generic", **extra) -> None:
    form = {"name": f"{fmt} hook", "url": url, "format": fmt, "language": "en", "enabled": "1", **extra}
    response = admin.post("/alerts/webhooks", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def add_rule(admin, kind: str, **params) -> AlertRule:
    form = {**alerts.rule_form(None), "name": f"{kind} rule", "kind": kind, **{k: str(v) for k, v in params.items()}}
    response = admin.post("/alerts/rules", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with db.new_session() as sess:
        return sess.scalars(select(AlertRule).order_by(AlertRule.id.desc())).first()


def the_alerts(app) -> list[Alert]:
    with db.new_session(app) as sess:
        return list(sess.scalars(select(Alert).order_by(Alert.id)))


def deliveries(app) -> list[AlertDelivery]:
    with db.new_session(app) as sess:
        return list(sess.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def system_actions(app) -> list[str]:
    with db.new_session(app) as sess:
        return list(sess.scalars(select(AuditEntry.action).where(AuditEntry.source == "system",
                                                                 AuditEntry.action.like("alerts.%"))
                                 .order_by(AuditEntry.id)))


def failing_calls(app, count: int) -> None:
    tim = app.extensions["tim_client"]
    for _ in range(count):
        with pytest.raises(TimError):
            tim.account.check_accounts(["someone"])


def test_error_rate_rule_fires_on_injected_faults_is_delivered_and_resolves(app, operators, signed_in,
                                                                            sandbox, receiver):
    admin = signed_in("admin")
    add_webhook(admin, receiver.url)
    rule = add_rule(admin, "im_error_rate", minutes=10, percent=50, min_calls=3, endpoint=ENDPOINT)
    assert rule.params == {"minutes": 10, "percent": 50, "min_calls": 3, "endpoint": ENDPOINT}

    sandbox.faults.set(error_rate=1.0, error_code=70402, endpoints=[ENDPOINT])
    failing_calls(app, 2)
    assert alerts.tick(app)["opened"] == []  # two calls: fewer than min_calls
    failing_calls(app, 2)
    changes = alerts.tick(app)
    [alert] = the_alerts(app)
    assert changes["opened"] == [alert.id] and alert.status == "open" and alert.rule_id == rule.id
    assert alert.summary["endpoints"] == [{"endpoint": ENDPOINT, "total": 4, "failed": 4, "percent": 100.0}]
    with db.new_session(app) as sess:
        events = sess.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert.id)).all()
        failed = sess.scalars(select(AuditEntry.id).where(AuditEntry.endpoint == ENDPOINT)).all()
    assert {e.source for e in events} == {"audit"} and sorted(int(e.ref) for e in events) == sorted(failed)
    assert all("70402" in e.text for e in events)

    [opened] = receiver.bodies()
    assert opened["change"] == "opened" and opened["alert"]["id"] == alert.id
    assert opened["alert"]["kind"] == "im_error_rate" and ENDPOINT in opened["text"]
    assert len(opened["alert"]["events"]) == 4
    assert [(d.change, d.status, d.attempts) for d in deliveries(app)] == [("opened", "delivered", 1)]

    viewer = signed_in("viewer")
    page = viewer.get("/accounts").get_data(as_text=True)  # the banner is on every page
    assert "banner-alert" in page and "1 open alert" in page and "im_error_rate rule" in page
    detail = viewer.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert f"/audit/{failed[0]}" in detail and "70402" in detail

    # Still failing a minute later: the same alert, nothing sent again.
    assert alerts.tick(app, utcnow() + dt.timedelta(minutes=1))["updated"] == [alert.id]
    assert len(receiver.bodies()) == 1

    sandbox.faults.clear()
    app.extensions["tim_client"].account.check_accounts(["someone"])
    later = utcnow() + dt.timedelta(minutes=11)  # the failures left the window
    assert alerts.tick(app, later)["resolved"] == [alert.id]
    [alert] = the_alerts(app)
    assert (alert.status, alert.resolved_by) == ("resolved", None)
    resolved = receiver.bodies()[-1]
    assert resolved["change"] == "resolved" and resolved["alert"]["status"] == "resolved"
    assert system_actions(app) == ["alerts.open", "alerts.resolve"]
    assert "banner-alert" not in viewer.get("/accounts").get_data(as_text=True)


@pytest.fixture
def served(app):
    """The app over real HTTP (the sandbox posts its callbacks to it)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def wait_for(predicate, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    return predicate()


def test_request_over_limit_callback_raises_an_alert_retried_until_delivered(app, operators, signed_in,
                                                                            sandbox, receiver, served):
    admin = signed_in("admin")
    add_webhook(admin, receiver.url)
    add_rule(admin, "im_alarm", minutes=30)
    sandbox.callbacks.configure(served + "/callback", app.config["TIM_CALLBACK_TOKEN"])
    sandbox.limiter.configure({"openim/query_online_status": 2})
    tim = app.extensions["tim_client"]
    tim.limiter, tim.max_retries = None, 0  # our own pacing and retries would hide the limit
    codes = []
    for _ in range(6):
        try:
            tim.call("openim/query_online_status", {"To_Account": ["someone"]})
            codes.append(0)
        except TimError as exc:
            codes.append(exc.code)
    assert 60007 in codes

    def stored_alarm():
        app.extensions["events"].flush()
        with db.new_session(app) as sess:
            return sess.scalar(select(CallbackEvent.id).where(CallbackEvent.command == "Alert.RequestOverLimit"))
    assert wait_for(stored_alarm), "the sandbox's Alert.RequestOverLimit never arrived"

    receiver.fail_next(1)
    now = utcnow()
    [opened] = alerts.tick(app, now)["opened"]
    [alert] = the_alerts(app)
    assert alert.summary["commands"] == {"Alert.RequestOverLimit": 1}
    with db.new_session(app) as sess:
        [event] = sess.scalars(select(AlertEvent).where(AlertEvent.alert_id == opened)).all()
    assert event.source == "callback" and "openim/query_online_status" in event.text
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.log[0]["status"] == 500 and not delivery.log[0]["ok"]
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=webhooks.RETRY_DELAYS[0])

    alerts.tick(app, now + dt.timedelta(seconds=30))  # not due yet
    assert deliveries(app)[0].attempts == 1
    alerts.tick(app, now + dt.timedelta(seconds=61))
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [b["change"] for b in receiver.bodies(delivered_only=True)] == ["opened"]
    assert len(receiver.bodies()) == 2  # the failed attempt, then the retry
    log = signed_in("viewer").get("/alerts/deliveries").get_data(as_text=True)
    assert "HTTP 500" in log and "delivered" in log

    assert alerts.tick(app, now + dt.timedelta(minutes=31))["resolved"] == [alert.id]
    assert [b["change"] for b in receiver.bodies(delivered_only=True)] == ["opened", "resolved"]


def test_robot_formats_signing_and_robot_errors(app, operators, signed_in, receiver):
    admin = signed_in("admin")
    secret = "SECtest0123456789abcdef"
    add_webhook(admin, receiver.url + "?access_token=tok-dd", fmt="dingtalk", secret=secret, language="zh_Hans")
    add_webhook(admin, receiver.url + "?key=wecom-key-42", fmt="wecom")
    add_rule(admin, "job_failed", minutes=60)
    receiver.answer = {"errcode": 0, "errmsg": "ok"}
    receiver.fail_next(1, answer={"errcode": 45009, "errmsg": "api freq out of limit"})
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="failed", params={"items": []}, error="boom",
                     finished_at=utcnow()))
    now = utcnow()
    alerts.tick(app, now)
    assert len(receiver.requests) == 2
    by_token = {r["query"].get("access_token") or r["query"].get("key"): r for r in receiver.requests}
    dingtalk, wecom = by_token["tok-dd"], by_token["wecom-key-42"]
    assert dingtalk["body"]["msgtype"] == "markdown" and set(dingtalk["body"]["markdown"]) == {"title", "text"}
    assert "directory.check" in dingtalk["body"]["markdown"]["text"]
    assert dingtalk["body"]["markdown"]["title"] == "[告警] job_failed rule"  # the hook's language
    assert wecom["body"]["markdown"]["content"].startswith("### [Alert] job_failed rule")
    stamp, sign = dingtalk["query"]["timestamp"], dingtalk["query"]["sign"]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected
    assert wecom["body"]["msgtype"] == "markdown" and "directory.check" in wecom["body"]["markdown"]["content"]
    statuses = sorted((d.webhook_name, d.status) for d in deliveries(app))
    assert statuses[0][1] != statuses[1][1]  # the first request got errcode 45009: retried later
    failed = [d for d in deliveries(app) if d.status == "pending"][0]
    assert "45009" in failed.last_error
    alerts.tick(app, now + dt.timedelta(seconds=61))
    assert {d.status for d in deliveries(app)} == {"delivered"}


def test_refusals_rule_counts_its_window(app, operators, signed_in):
    admin = signed_in("admin")
    add_rule(admin, "callback_refusals", minutes=5, count=2)
    callbacks = Callbacks(app)
    for _ in range(2):
        callbacks.post("State.StateChange", {}, token="forged")
    app.extensions["events"].flush()
    assert alerts.tick(app)["opened"] == []  # two: not more than two
    callbacks.post("State.StateChange", {}, app_id=1400099999)
    app.extensions["events"].flush()
    [opened] = alerts.tick(app)["opened"]
    [alert] = the_alerts(app)
    assert alert.summary == {"count": 3, "threshold": 2, "minutes": 5}
    with db.new_session(app) as sess:
        texts = sorted(sess.scalars(select(AlertEvent.text).where(AlertEvent.alert_id == opened)))
    assert texts == ["bad_sign: 2", "foreign_app: 1"]
    assert alerts.tick(app, utcnow() + dt.timedelta(minutes=6))["resolved"] == [opened]


def test_silence_rule_only_when_traffic_is_expected(app, operators, signed_in):
    admin = signed_in("admin")
    rule = add_rule(admin, "callback_silence", minutes=15, from_hour=0, to_hour=24)
    assert alerts.tick(app)["opened"] == []  # no callback ever: nothing expected yet
    Callbacks(app).ack("State.StateChange", {"CallbackCommand": "State.StateChange", "EventTime": 1,
                                             "Info": {"Action": "Login", "To_Account": "zed"}})
    app.extensions["events"].flush()
    assert alerts.tick(app)["opened"] == []
    later = utcnow() + dt.timedelta(minutes=16)
    [opened] = alerts.tick(app, later)["opened"]
    assert the_alerts(app)[0].summary["idle"] >= 15
    outside = {**rule.params, "from_hour": (later.hour + 1) % 24, "to_hour": (later.hour + 2) % 24 or 24}
    assert not alerts.expected_now(outside, later)
    with db.new_session(app) as sess:
        sess.get(AlertRule, rule.id).params = outside
    assert alerts.tick(app, later)["resolved"] == [opened]


def test_operators_acknowledge_and_resolve_audited(app, operators, signed_in, receiver):
    admin = signed_in("admin")
    add_webhook(admin, receiver.url)
    add_rule(admin, "job_failed", minutes=60)
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="failed", params={"items": []}, finished_at=utcnow()))
    [alert_id] = alerts.tick(app)["opened"]
    operator, viewer = signed_in("operator"), signed_in("viewer")
    assert viewer.post(f"/alerts/{alert_id}/acknowledge").status_code == 403
    assert "banner-alert" in viewer.get("/").get_data(as_text=True)
    assert operator.post(f"/alerts/{alert_id}/acknowledge").status_code == 302
    assert the_alerts(app)[0].status == "acknowledged" and the_alerts(app)[0].acknowledged_by == "operator"
    assert "banner-alert" not in viewer.get("/").get_data(as_text=True)
    assert alerts.tick(app)["updated"] == [alert_id]  # still failing: stays acknowledged
    assert the_alerts(app)[0].status == "acknowledged"
    assert operator.post(f"/alerts/{alert_id}/resolve").status_code == 302
    alert = the_alerts(app)[0]
    assert (alert.status, alert.resolved_by) == ("resolved", "operator")
    alerts.tick(app)
    assert [b["change"] for b in receiver.bodies()][:2] == ["opened", "resolved"]
    with db.new_session(app) as sess:
        rows = sess.execute(select(AuditEntry.action, AuditEntry.operator_name, AuditEntry.targets)
                            .where(AuditEntry.action.like("alerts.%")).order_by(AuditEntry.id)).all()
    actions = [(a, who) for a, who, _t in rows]
    assert ("alerts.acknowledge", "operator") in actions and ("alerts.resolve", "operator") in actions
    assert ("alerts.open", None) in actions
    assert all(f"alert:{alert_id}" in targets for a, _w, targets in rows if a in ("alerts.acknowledge",
                                                                                   "alerts.resolve"))
    # the failed job is still in the window, but it was resolved by hand: only a new one reopens
    assert alerts.tick(app)["opened"] == []
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="failed", params={"items": []},
                     finished_at=utcnow() + dt.timedelta(seconds=1)))
    assert len(alerts.tick(app, utcnow() + dt.timedelta(seconds=2))["opened"]) == 1


def test_rule_and_webhook_forms_refuse_bad_input_beside_the_field(app, operators, signed_in):
    admin = signed_in("admin")
    response = admin.post("/alerts/rules", {**alerts.rule_form(None), "name": "x", "kind": "im_error_rate",
                                            "percent": "250", "minutes": "abc", "endpoint": "no slash"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "between 1 and 100" in page and "whole number" in page and "service/command" in page
    response = admin.post("/alerts/webhooks", {"name": "w", "url": "ftp://x", "format": "wecom",
                                               "language": "en", "secret": "SECx"})
    assert response.status_code == 400 and "http(s) URL" in response.get_data(as_text=True)
    with db.new_session(app) as sess:
        failed = sess.scalars(select(AuditEntry.action).where(AuditEntry.outcome == "failed")).all()
    assert failed == ["alerts.rule.create", "alerts.webhook.create"]


def test_webhook_keys_and_secrets_never_show(app, operators, signed_in, audit_rows, receiver):
    admin = signed_in("admin")
    add_webhook(admin, receiver.url + "?access_token=very-secret-token", fmt="dingtalk",
                secret="SECvery-secret-sign")
    pages = admin.get("/alerts/webhooks").get_data(as_text=True)
    with db.new_session(app) as sess:
        hook_id = sess.scalar(select(Webhook.id))
    pages += admin.get(f"/alerts/webhooks/{hook_id}").get_data(as_text=True)
    pages += str([(r.detail, r.targets) for r in audit_rows()])
    assert "very-secret-token" not in pages and "SECvery-secret-sign" not in pages
    assert "access_token=…" in pages
    response = admin.post(f"/alerts/webhooks/{hook_id}", {"name": "renamed", "format": "dingtalk",
                                                          "language": "en", "enabled": "1"})
    assert response.status_code == 302
    with db.new_session(app) as sess:
        hook = sess.get(Webhook, hook_id)
    assert hook.name == "renamed" and "very-secret-token" in hook.url and hook.secret == "SECvery-secret-sign"
    receiver.answer = {"errcode": 0, "errmsg": "ok"}
    assert admin.post(f"/alerts/webhooks/{hook_id}/test").status_code == 302
    assert receiver.bodies()[-1]["msgtype"] == "markdown"
    assert deliveries(app)[-1].change == "test" and deliveries(app)[-1].status == "delivered"


def test_a_disabled_rule_resolves_its_alert_and_one_alert_per_rule(app, operators, signed_in):
    admin = signed_in("admin")
    rule = add_rule(admin, "job_failed", minutes=60)
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="failed", params={"items": []}, finished_at=utcnow()))
    [alert_id] = alerts.tick(app)["opened"]
    twin = dict(rule_id=rule.id, rule_name="twin", kind="job_failed", status="open", summary={},
                opened_at=utcnow(), last_seen_at=utcnow(), event_count=0)
    # as if another consumer had evaluated at the same moment: the database refuses a second one
    with pytest.raises(IntegrityError), app.extensions["db_engine"].begin() as conn:
        conn.execute(insert(Alert.__table__).values(**twin))
    assert admin.post(f"/alerts/rules/{rule.id}/toggle").status_code == 302
    assert alerts.tick(app)["resolved"] == [alert_id]
    assert system_actions(app) == ["alerts.open", "alerts.resolve"]


def test_the_job_consumer_evaluates_every_minute(app, operators, signed_in):
    """The evaluation is a periodic task of the job queue: due every minute, run by the consumer."""
    huey = app.extensions["huey"]
    assert "console.alerts_tick" in {task.name for task in huey.read_periodic(dt.datetime.now())}
    add_rule(signed_in("admin"), "job_failed", minutes=60)
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="failed", params={"items": []}, finished_at=utcnow()))
    app.extensions["alerts_tick"]()  # the queue is immediate in tests: this runs it, as the consumer does
    assert [a.status for a in the_alerts(app)] == ["open"]


def test_pages_render_when_the_banner_cannot_be_read(app, operators, signed_in):
    """The banner is on every page, error pages included: a broken alert table must not take
    them down."""
    viewer = signed_in("viewer")
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(text("DROP TABLE alert_delivery"))
        conn.execute(text("DROP TABLE alert_event"))
        conn.execute(text("DROP TABLE alert"))
    alerts.banner_cache.clear()
    response = viewer.get("/accounts")
    assert response.status_code == 200 and "banner-alert" not in response.get_data(as_text=True)
