"""Configuration, health, dashboard, settings, errors and translations."""
from __future__ import annotations

import os

import pytest

from console.config import ConfigError
from console.config import SANDBOX_APP_ID, load_settings


def test_sandbox_mode_without_credentials(tmp_path, monkeypatch):
    for key in ("TIM_APP_ID", "TIM_SECRET", "TIM_SECRET_FILE", "TIM_BASE_URL", "TIM_REGION", "SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(str(tmp_path), {})
    assert settings["TIM_SANDBOX"] and settings["TIM_APP_ID"] == SANDBOX_APP_ID
    assert settings["TIM_BASE_URL"] == "http://127.0.0.1:9300" and settings["TIM_ADMIN"] == "administrator"
    secret = (tmp_path / "sandbox-secret").read_text().strip()
    assert settings["TIM_SECRET"] == secret and len(secret) >= 32
    assert oct((tmp_path / "sandbox-secret").stat().st_mode & 0o777) == "0o600"
    # generated once, then reused
    assert load_settings(str(tmp_path), {})["SECRET_KEY"] == settings["SECRET_KEY"]


@pytest.mark.parametrize("overrides, setting", [
    ({"TIM_APP_ID": "abc", "TIM_SECRET": "s"}, "TIM_APP_ID"),
    ({"TIM_SECRET": "s"}, "TIM_APP_ID"),
    ({"TIM_APP_ID": "1400000001"}, "TIM_SECRET"),
    ({"TIM_APP_ID": "1400000001", "TIM_SECRET": "s", "TIM_REGION": "mars"}, "TIM_REGION"),
    ({"TIM_APP_ID": "1400000001", "TIM_SECRET_FILE": "/nonexistent/key"}, "TIM_SECRET_FILE"),
    ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
    ({"REDIS_URL": "http://nope"}, "REDIS_URL"),
    ({"TIM_PUSH_API": "fax"}, "TIM_PUSH_API"),
    ({"TIM_TIMEOUT": "0"}, "TIM_TIMEOUT"),
    ({"TIM_APP_ADMINS": "ok, " + "x" * 33}, "TIM_APP_ADMINS"),
    ({"TIM_PROFILE_CUSTOM": "toolongkey"}, "TIM_PROFILE_CUSTOM"),
])
def test_invalid_settings_name_the_setting(tmp_path, monkeypatch, overrides, setting):
    for key in ("TIM_APP_ID", "TIM_SECRET", "TIM_SECRET_FILE"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ConfigError, match=f"^{setting}:"):
        load_settings(str(tmp_path), overrides)


def test_live_settings(tmp_path):
    key = tmp_path / "key"
    key.write_text("the-real-key\n")
    settings = load_settings(str(tmp_path), {"TIM_APP_ID": "1400000123", "TIM_SECRET_FILE": str(key),
                                              "TIM_REGION": "singapore", "DATABASE_URL": "postgres://u@h/db"})
    assert not settings["TIM_SANDBOX"] and settings["TIM_SECRET"] == "the-real-key"
    assert settings["TIM_REGION"] == "singapore" and settings["TIM_BASE_URL"] is None
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("name, canonical", [("sgp", "singapore"), ("Saudi", "saudi-arabia"),
                                             ("Silicon Valley", "usa"), ("china", "china")])
def test_region_names_are_the_clients_own(tmp_path, name, canonical):
    """TIM_REGION accepts every name and alias console.tim.regions knows, and stores the region's name."""
    settings = load_settings(str(tmp_path), {"TIM_APP_ID": "1400000123", "TIM_SECRET": "k", "TIM_REGION": name})
    assert settings["TIM_REGION"] == canonical


def test_app_admins_are_user_ids(tmp_path):
    settings = load_settings(str(tmp_path), {"TIM_APP_ADMINS": "ops1, ops2;ops1\nops3"})
    assert settings["TIM_APP_ADMINS"] == ("ops1", "ops2", "ops3")


def test_sandbox_banner_and_live_pages(make_app, browser_for, tmp_path):
    sandbox_app = make_app(TIM_APP_ID="", TIM_SECRET="", TIM_SANDBOX_URL="http://127.0.0.1:9")
    browser = browser_for(sandbox_app, ["viewer"])
    browser.login("viewer")
    assert "Sandbox mode" in browser.get("/").get_data(as_text=True)


def test_healthz(app, browser):
    resp = browser.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["database"]["ok"] is True and body["im"]["ok"] is True and body["status"] == "ok"


def test_healthz_503_when_the_database_is_down(make_app, tmp_path):
    app = make_app()
    app.extensions["db_engine"].dispose()
    from sqlalchemy import create_engine

    app.extensions["db_engine"] = create_engine("sqlite:////nonexistent-dir/x.db")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["database"]["ok"] is False


def test_dashboard_chart_and_settings(app, signed_in, sandbox, audit_rows):
    viewer = signed_in("viewer")
    page = viewer.get("/").get_data(as_text=True)
    assert str(app.config["TIM_APP_ID"]) in page
    chart = viewer.get("/dashboard/chart?metric=UpMsgNum", headers={"HX-Request": "true"})
    assert chart.status_code == 200
    html = chart.get_data(as_text=True)
    assert "<svg" in html or "No operations data" in html
    assert [r.action for r in audit_rows()] == ["operation.get_operation_data"]
    settings = viewer.get("/settings").get_data(as_text=True)
    assert "http://localhost/callback" in settings
    assert app.config["TIM_SECRET"] not in settings and app.config["SECRET_KEY"] not in settings
    assert "Test connection" not in settings  # viewers cannot run it
    operator = signed_in("operator")
    ok = operator.post("/settings/test", htmx=True).get_data(as_text=True)
    assert "Connected" in ok


def test_chart_shows_the_im_error_in_place(app, signed_in, sandbox, audit_rows):
    sandbox.faults.set(error_rate=1.0, error_code=70009)
    from console.ops.views import dashboard

    dashboard._ops_cache.clear()
    resp = signed_in("viewer").get("/dashboard/chart", headers={"HX-Request": "true"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "70009" in html and "TIM_SECRET" in html
    assert audit_rows()[-1].outcome == "failed" and audit_rows()[-1].error_code == 70009


def test_htmx_im_error_becomes_a_toast(app, signed_in, sandbox):
    """An IM error no view handles: htmx gets a toast (never garbage in the target), a page gets
    an error page with the code and a hint."""
    from flask import Blueprint, g

    from console.security import role_required

    bp = Blueprint("boom", __name__)

    @bp.route("/boom")
    @role_required("viewer")
    def boom():
        g.tim.account.check_accounts(["a"])
        return "unreachable"

    app.register_blueprint(bp)
    sandbox.faults.set(error_rate=1.0, error_code=70009)
    viewer = signed_in("viewer")
    resp = viewer.get("/boom", headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert resp.headers["HX-Retarget"] == "#toasts" and resp.headers["HX-Reswap"] == "beforeend"
    html = resp.get_data(as_text=True)
    assert "70009" in html and "TIM_SECRET" in html and "<html" not in html
    full = viewer.get("/boom")
    assert full.status_code == 502 and "70009" in full.get_data(as_text=True)


def test_error_pages(signed_in, browser):
    viewer = signed_in("viewer")
    resp = viewer.get("/no/such/page")
    assert resp.status_code == 404 and "Not found" in resp.get_data(as_text=True)
    assert viewer.get("/operators").status_code == 403
    hx = viewer.get("/operators", headers={"HX-Request": "true"})
    assert hx.status_code == 200 and hx.headers["HX-Retarget"] == "#toasts"


def test_chinese_translation(signed_in):
    viewer = signed_in("viewer")
    html = viewer.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "仪表盘" in html
    assert viewer.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True).count("Dashboard") >= 1


def test_times_follow_the_operator_time_zone(app, signed_in, audit_rows):
    from console.audit import AuditContext, write_entry

    write_entry(app, AuditContext(source="cli"), action="tz.check", endpoint=None, targets=[], outcome="ok")
    entry = audit_rows()[-1]
    viewer = signed_in("viewer")
    viewer.post("/me/preferences", {"timezone": "Asia/Shanghai", "lang": "en"})
    html = viewer.get(f"/audit/{entry.id}").get_data(as_text=True)
    local = entry.occurred_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%Y-%m-%d %H:%M") in html


def test_unexpected_error_is_a_500_page_without_details(app, signed_in, caplog):
    from flask import Blueprint

    from console.security import role_required

    bp = Blueprint("crash", __name__)

    @bp.route("/crash")
    @role_required("viewer")
    def crash():
        raise RuntimeError("internal detail that must not leak")

    app.register_blueprint(bp)
    viewer = signed_in("viewer")
    resp = viewer.get("/crash")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500 and "Something went wrong" in html and "internal detail" not in html
    assert any("unhandled error" in r.getMessage() for r in caplog.records)
    hx = viewer.get("/crash", headers={"HX-Request": "true"})
    assert hx.headers["HX-Retarget"] == "#toasts" and "internal detail" not in hx.get_data(as_text=True)


def test_dashboard_activity_counts(app, signed_in, sandbox):
    operator = signed_in("operator")
    operator.post("/settings/test", htmx=True)
    sandbox.faults.set(error_rate=1.0, error_code=70500)
    operator.post("/settings/test", htmx=True)
    from console import db
    from console.ops.views.dashboard import activity

    with db.new_session(app) as sess:
        assert activity(sess) == {"calls": 2, "failed": 1, "partial": 0, "active_jobs": 0}
    assert "IM calls in the last 24 hours" in operator.get("/").get_data(as_text=True)


def test_wsgi_start_up_error_is_one_line(tmp_path):
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "TIM_APP_ID": "abc", "TIM_SECRET": "x", "CONSOLE_INSTANCE": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "TIM Console configuration error: TIM_APP_ID: expected an integer, got 'abc'"


def test_account_policy_settings_are_validated(tmp_path):
    from console.config import ConfigError, load_settings

    ok = load_settings(str(tmp_path), {"TIM_APP_ADMINS": "ops, support  bot", "TIM_PROFILE_CUSTOM": "mood,Level_2",
                                       "TIM_TRIAL": "0"})
    assert ok["TIM_APP_ADMINS"] == ("ops", "support", "bot")
    assert ok["TIM_PROFILE_CUSTOM"] == ("mood", "Level_2")
    assert ok["TIM_TRIAL"] is False
    assert load_settings(str(tmp_path))["TIM_TRIAL"] is True  # the sandbox is a trial app
    with pytest.raises(ConfigError, match="TIM_PROFILE_CUSTOM"):
        load_settings(str(tmp_path), {"TIM_PROFILE_CUSTOM": "far-too-long-key"})


def test_url_builders_are_compiled_on_first_use_and_build_as_werkzeug_does(app):
    from flask import url_for
    from werkzeug.routing import Rule

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "keywords.sync")
    assert rule._build.__name__ == "build_first"  # nothing compiled when the rule was added
    reference = Rule(rule.rule, endpoint="reference", methods=["POST"])
    reference.bind(app.url_map)  # werkzeug's own rule, compiled eagerly, as the reference
    with app.test_request_context():
        built = url_for("keywords.sync", list_id=7)
        again = url_for("keywords.sync", list_id=8, extra="a b")
    assert built == reference.build({"list_id": 7})[1] == "/keywords/7/sync"
    assert again == reference.build({"list_id": 8, "extra": "a b"})[1] == "/keywords/8/sync?extra=a+b"
    # url_for builds with unknown values appended: that builder is compiled now, the other not yet
    assert rule._build_unknown.__name__ != "build_first" and rule._build.__name__ == "build_first"
    assert rule.build({"list_id": 9}, append_unknown=False)[1] == "/keywords/9/sync"
    assert rule._build.__name__ != "build_first"
