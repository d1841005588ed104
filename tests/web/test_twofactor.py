"""TOTP second factor (issue #20 item 1): enrolment with a code check, sign-in with a code, ten
recovery codes that work once, replayed and wrong codes refused, turning it off, an admin's reset
and the policy of who must use it."""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from web_client import PASSWORD, Browser
from sqlalchemy import select

from console import db
from console.models import Operator, OperatorTOTP, RecoveryCode, SignInAttempt, utcnow

SECRET_RE = re.compile(r"data-totp-secret>([A-Z2-7]+)<")
CODE_RE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(utcnow() + dt.timedelta(seconds=30 * steps))


def enrol(browser: Browser) -> tuple[str, list[str]]:
    """Turn 2FA on for the signed-in browser; (secret, recovery codes)."""
    page = browser.post("/me/2fa/start")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'src="data:image/svg+xml' in html
    secret = SECRET_RE.search(html).group(1)
    done = browser.post("/me/2fa/confirm", data={"code": _code(secret)})
    codes = CODE_RE.findall(done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    return secret, codes


def _sign_in(app, name: str, code: str | None) -> tuple[Browser, object]:
    b = Browser(app.test_client())
    first = b.login(name)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
    assert b.get("/me").status_code == 302  # not signed in between the two steps
    if code is None:
        return b, first
    return b, b.post("/login/code", data={"code": code})


@pytest.fixture
def enrolled(app, signed_in):
    me = signed_in("operator")
    secret, codes = enrol(me)
    return me, secret, codes


def test_enrolment_checks_a_code_first(app, signed_in, audit_rows):
    me = signed_in("viewer")
    html = me.post("/me/2fa/start").get_data(as_text=True)
    secret = SECRET_RE.search(html).group(1)
    assert me.post("/me/2fa/confirm", data={"code": "000000"}).status_code == 400
    with db.new_session(app) as sess:
        assert not sess.scalar(select(OperatorTOTP.enabled))
    resp = me.post("/me/2fa/confirm", data={"code": _code(secret)})
    assert resp.status_code == 200 and len(CODE_RE.findall(resp.get_data(as_text=True))) == 10
    with db.new_session(app) as sess:
        assert sess.scalar(select(OperatorTOTP.enabled))
        hashes = list(sess.scalars(select(RecoveryCode.code_hash)))
    assert len(hashes) == 10
    codes = CODE_RE.findall(resp.get_data(as_text=True))
    assert not any(c.replace("-", "") in h for c in codes for h in hashes)  # stored hashed
    assert audit_rows()[-1].action == "operator.enable_2fa"
    assert "recovery-codes" not in me.get("/me/2fa").get_data(as_text=True)  # shown once


def test_sign_in_with_a_code(app, enrolled):
    _me, secret, _codes = enrolled
    b, resp = _sign_in(app, "operator", _code(secret, 1))
    assert resp.status_code == 302 and b.get("/me").status_code == 200
    with db.new_session(app) as sess:
        last = sess.scalars(select(SignInAttempt).order_by(SignInAttempt.id.desc())).first()
    assert last.method == "totp" and last.success


def test_a_replayed_code_is_refused(app, enrolled):
    _me, secret, _codes = enrolled
    code = _code(secret, 1)
    _b, ok = _sign_in(app, "operator", code)
    assert ok.status_code == 302
    b, again = _sign_in(app, "operator", code)
    assert again.status_code == 401 and b.get("/me").status_code == 302


def test_the_enrolment_code_cannot_sign_in(app, enrolled):
    _me, secret, _codes = enrolled
    _b, resp = _sign_in(app, "operator", _code(secret))  # the code used to confirm, same step
    assert resp.status_code == 401


def test_a_wrong_code_is_refused_and_recorded(app, enrolled):
    _me, _secret, _codes = enrolled
    b, resp = _sign_in(app, "operator", "123456")
    assert resp.status_code == 401 and "not valid" in resp.get_data(as_text=True)
    with db.new_session(app) as sess:
        last = sess.scalars(select(SignInAttempt).order_by(SignInAttempt.id.desc())).first()
    assert last.method == "totp" and not last.success


def test_a_recovery_code_works_once(app, enrolled):
    _me, _secret, codes = enrolled
    b, resp = _sign_in(app, "operator", codes[3].upper())
    assert resp.status_code == 302 and b.get("/me").status_code == 200
    _b2, again = _sign_in(app, "operator", codes[3])
    assert again.status_code == 401
    assert "9 unused recovery codes" in b.get("/me/2fa").get_data(as_text=True)


def test_the_code_step_expires(app, enrolled):
    _me, secret, _codes = enrolled
    b, _first = _sign_in(app, "operator", None)
    with b.client.session_transaction() as sess:
        sess["pending_2fa"] = {**sess["pending_2fa"], "at": sess["pending_2fa"]["at"] - 3600}
    resp = b.post("/login/code", data={"code": _code(secret, 1)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert b.get("/me").status_code == 302


def test_turning_it_off_needs_password_and_code(app, enrolled, audit_rows):
    me, secret, _codes = enrolled
    assert me.post("/me/2fa/disable", data={"password": "wrong", "code": _code(secret, 1)}).status_code == 400
    assert me.post("/me/2fa/disable", data={"password": PASSWORD, "code": "000000"}).status_code == 400
    assert me.post("/me/2fa/disable", data={"password": PASSWORD, "code": _code(secret, 1)}).status_code == 302
    with db.new_session(app) as sess:
        assert sess.scalar(select(OperatorTOTP)) is None and sess.scalar(select(RecoveryCode)) is None
    assert audit_rows()[-1].action == "operator.disable_2fa"
    assert Browser(app.test_client()).login("operator").headers["Location"] == "/"


def test_admin_resets_a_second_factor(app, enrolled, signed_in, audit_rows):
    me, _secret, _codes = enrolled
    admin = signed_in("admin")
    with db.new_session(app) as sess:
        op_id = sess.scalar(select(Operator.id).where(Operator.name == "operator"))
    assert "Reset the second factor" in admin.get(f"/operators/{op_id}").get_data(as_text=True)
    assert admin.post(f"/operators/{op_id}/2fa/reset").status_code == 302
    assert audit_rows()[-1].action == "operator.reset_2fa"
    assert me.get("/me").status_code == 302  # signed out
    assert Browser(app.test_client()).login("operator").headers["Location"] == "/"


def test_required_for_a_role(app, signed_in, audit_rows):
    admin = signed_in("admin")
    assert admin.post("/operators/2fa-policy", data={"role": ["viewer", "operator"]}).status_code == 302
    assert audit_rows()[-1].action == "settings.require_2fa"
    viewer = signed_in("viewer")
    resp = viewer.get("/audit")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me/2fa")
    htmx = viewer.get("/audit", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].endswith("/me/2fa")
    enrol(viewer)
    assert viewer.get("/audit").status_code == 200
    assert admin.get("/audit").status_code == 200  # admins were not required
    # a required second factor cannot be turned off
    assert "Turn off two-factor" not in viewer.get("/me/2fa").get_data(as_text=True)


def test_sudo_accepts_a_code(app, enrolled):
    from test_sudo import _stale

    me, secret, _codes = enrolled
    _stale(app, "operator")
    prompt = me.post("/messages/mute", data={"user_id": "x", "c2c": "0", "group": "0"})
    assert prompt.status_code == 401 and 'name="sudo_code"' in prompt.get_data(as_text=True)
    assert me.post("/sudo", data={"sudo_code": _code(secret, 1)}, htmx=True).status_code == 204
    assert me.post("/sudo", data={"sudo_code": _code(secret, 1)}, htmx=True).status_code == 400  # replay
