"""Sign-in, first-admin setup, throttling, CSRF, sessions, headers."""
from __future__ import annotations

import pathlib
import re

from sqlalchemy import func, select

from console import db, security
from console.models import Operator

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_login_logout(browser, operators):
    resp = browser.login("viewer")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert browser.get("/").status_code == 200
    resp = browser.post("/logout")
    assert resp.status_code == 302
    assert browser.get("/").status_code == 302


def test_wrong_password_is_401_and_names_nothing(browser, operators):
    wrong = browser.login("viewer", "not the password")
    unknown = browser.login("nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong name or password" in wrong.get_data(as_text=True)


def test_login_redirects_only_to_local_next(browser, operators):
    token = browser.csrf("/login")
    resp = browser.client.post("/login", data={"name": "viewer", "password": "correct horse battery",
                                               "csrf_token": token, "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/"


def test_login_throttling_counts_failures(make_app, browser_for):
    app = make_app(LOGIN_LIMIT="3 per minute")
    browser = browser_for(app, ["viewer"])
    for _ in range(3):  # successful sign-ins are not counted
        assert browser.login("viewer").status_code == 302
        browser.post("/logout")
    for _ in range(3):
        assert browser.login("viewer", "wrong password").status_code == 401
    blocked = browser.login("viewer")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_csrf_is_required_for_state_changes(signed_in):
    admin = signed_in("admin")
    resp = admin.client.post("/operators", data={"name": "x", "role": "viewer", "password": "long enough pw"})
    assert resp.status_code == 400
    assert "Security check failed" in resp.get_data(as_text=True)
    resp = admin.client.post("/operators", data={"name": "x", "role": "viewer", "password": "long enough pw"},
                             headers={"HX-Request": "true", "X-CSRFToken": "forged"})
    assert resp.headers.get("HX-Retarget") == "#toasts"
    with db.new_session(admin.application) as sess:
        assert sess.scalar(select(Operator).where(Operator.name == "x")) is None


def test_setup_url_works_once(app, browser):
    with db.new_session(app) as sess:
        token = security.new_setup_token(sess)
    with db.new_session(app) as sess:
        assert security.new_setup_token(sess) == token  # stable until used: server log and CLI agree
    assert browser.get("/setup/wrong-token").status_code == 404
    assert browser.get(f"/setup/{token}").status_code == 200
    csrf = browser.csrf(f"/setup/{token}")
    bad = browser.client.post(f"/setup/{token}", data={"name": "root", "password": "short", "confirm": "short",
                                                        "csrf_token": csrf})
    assert bad.status_code == 400
    resp = browser.client.post(f"/setup/{token}", data={"name": "root", "password": "a long password",
                                                         "confirm": "a long password", "csrf_token": csrf})
    assert resp.status_code == 302
    assert browser.get("/operators").status_code == 200  # signed in as the new admin
    with db.new_session(app) as sess:
        assert sess.scalar(select(Operator.role).where(Operator.name == "root")) == "admin"
        assert security.new_setup_token(sess) is None
    other = app.test_client()
    assert other.get(f"/setup/{token}").status_code == 404


def test_change_password_signs_out_other_sessions(app, signed_in):
    first = signed_in("operator")
    second = signed_in("operator")
    resp = first.post("/me/password", {"current": "correct horse battery", "password": "a brand new secret",
                                       "confirm": "a brand new secret"})
    assert resp.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302  # the old session token no longer loads
    assert second.login("operator", "a brand new secret").status_code == 302


def test_disabled_operator_cannot_sign_in_and_is_signed_out(app, signed_in, browser):
    viewer = signed_in("viewer")
    admin = signed_in("admin")
    with db.new_session(app) as sess:
        op_id = sess.scalar(select(Operator.id).where(Operator.name == "viewer"))
    assert admin.post(f"/operators/{op_id}/access", {"disabled": "1"}).status_code == 302
    assert viewer.get("/").status_code == 302
    assert browser.login("viewer").status_code == 401


def test_admin_cannot_demote_self(app, signed_in):
    admin = signed_in("admin")
    with db.new_session(app) as sess:
        op_id = sess.scalar(select(Operator.id).where(Operator.name == "admin"))
    assert admin.post(f"/operators/{op_id}/role", {"role": "viewer"}).status_code == 409


def test_security_headers_and_cookie_flags(browser, operators):
    resp = browser.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"]
    html = resp.get_data(as_text=True)
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert "hx-headers" in html and "X-CSRFToken" in html
    login = browser.login("viewer")
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_testing(make_app):
    app = make_app(TESTING=False)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_no_inline_script_or_style_in_templates():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) \
                or re.search(r"<style", text) or re.search(r"\shx-on[:-]", text) or re.search(r"\son\w+=", text):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, offenders


def test_admin_manages_operators(app, signed_in, browser_for, audit_rows):
    admin = signed_in("admin")
    bad = admin.post("/operators", {"name": "has space", "role": "viewer", "password": "long enough pw"})
    assert bad.status_code == 400 and "without spaces" in bad.get_data(as_text=True)
    dup = admin.post("/operators", {"name": "VIEWER", "role": "viewer", "password": "long enough pw"})
    assert dup.status_code == 400
    with db.new_session(app) as sess:
        viewer_id = sess.scalar(select(Operator.id).where(Operator.name == "viewer"))
    assert admin.post(f"/operators/{viewer_id}/role", {"role": "operator"}).status_code == 302
    assert admin.post(f"/operators/{viewer_id}/password", {"password": "reset by admin"}).status_code == 302
    fresh = browser_for(app)
    assert fresh.login("viewer", "reset by admin").status_code == 302
    assert fresh.get("/settings").status_code == 200 and "Test connection" in fresh.get("/settings").get_data(as_text=True)
    actions = [r.action for r in audit_rows()]
    assert actions[-2:] == ["operator.set_role", "operator.reset_password"]
    assert [r.detail for r in audit_rows() if r.action == "operator.set_role"] == [{"from": "viewer", "to": "operator"}]


# ---- the first-admin link is atomic (issue #14 item 6) -------------------------------------------

def test_setup_claim_is_atomic_between_two_sessions(app):
    """Both requests checked the link before either used it (the race of two workers): the
    database lets exactly one of them create an admin."""
    import threading

    with db.new_session(app) as sess:
        token = security.new_setup_token(sess)
    checked = threading.Barrier(2)
    results = {}

    def worker(name):
        with app.app_context(), db.new_session(app) as sess:
            assert security.setup_token_valid(sess, token)
            checked.wait(timeout=10)
            admin = security.create_first_admin(sess, token, name, "x")
            results[name] = admin is not None

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == [False, True]
    with db.new_session(app) as sess:
        assert sess.scalar(select(func.count()).select_from(Operator)) == 1


def test_setup_link_posted_twice_at_once_creates_one_admin(app):
    import threading

    from conftest import Browser

    with db.new_session(app) as sess:
        token = security.new_setup_token(sess)
    browsers = [Browser(app.test_client()) for _ in range(2)]
    tokens = [b.csrf(f"/setup/{token}") for b in browsers]
    start = threading.Barrier(2)
    statuses = {}

    def post(i):
        start.wait(timeout=10)
        resp = browsers[i].client.post(f"/setup/{token}", data={
            "name": f"root{i}", "password": "a long password", "confirm": "a long password",
            "csrf_token": tokens[i]})
        statuses[i] = resp.status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses.values()) == [302, 404]
    with db.new_session(app) as sess:
        assert [o.role for o in sess.scalars(select(Operator))] == ["admin"]
