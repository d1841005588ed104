"""Sign-in history (issue #20 item 4): every attempt (time, IP, user agent, method, success) on the
operator's page; failed attempts counted and shown to admins."""
from __future__ import annotations

import pytest
from web_client import Browser
from sqlalchemy import select

from console import db
from console.models import Operator, SignInAttempt


def _attempts(app) -> list[SignInAttempt]:
    with db.new_session(app) as sess:
        return list(sess.scalars(select(SignInAttempt).order_by(SignInAttempt.id)))


def _op_id(app, name: str) -> int:
    with db.new_session(app) as sess:
        return sess.scalar(select(Operator.id).where(Operator.name == name))


def _browser(app, agent: str, ip: str) -> Browser:
    b = Browser(app.test_client())
    b.client.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    return b


def test_every_attempt_is_recorded(app, operators):
    b = _browser(app, "HistoryBrowser/2.0", "192.0.2.7")
    assert b.login("operator", "wrong password").status_code == 401
    assert b.login("nobody-here", "whatever").status_code == 401
    assert b.login("operator").status_code == 302
    wrong, unknown, ok = _attempts(app)
    assert (wrong.name, wrong.success, wrong.method, wrong.reason) == ("operator", False, "password", "wrong_password")
    assert wrong.operator_id == _op_id(app, "operator")
    assert (unknown.operator_id, unknown.name, unknown.reason) == (None, "nobody-here", "unknown_name")
    assert ok.success and ok.ip == "192.0.2.7" and ok.user_agent == "HistoryBrowser/2.0"


def test_the_operator_page_shows_the_history(app, signed_in, operators):
    b = _browser(app, "HistoryBrowser/2.0", "192.0.2.7")
    b.login("viewer", "wrong password")
    b.login("viewer", "wrong password")
    b.login("viewer")
    admin = signed_in("admin")
    html = admin.get(f"/operators/{_op_id(app, 'viewer')}").get_data(as_text=True)
    assert "Sign-in history" in html and "HistoryBrowser/2.0" in html and "192.0.2.7" in html
    assert "2 failed attempts in the last 7 days." in html
    assert html.count("badge-failed") >= 2 and "badge-ok" in html


def test_admins_see_failed_counts_and_unknown_names(app, signed_in, operators):
    b = _browser(app, "Prober/1.0", "198.51.100.9")
    b.login("operator", "nope nope nope")
    b.login("ghost", "nope nope nope")
    admin = signed_in("admin")
    html = admin.get("/operators").get_data(as_text=True)
    assert "Failed sign-ins (7 days)" in html
    assert "Failed sign-ins with unknown names" in html and "ghost" in html and "198.51.100.9" in html


def test_only_admins_see_histories(app, signed_in):
    for role in ("viewer", "operator"):
        assert signed_in(role).get(f"/operators/{_op_id(app, 'admin')}").status_code == 403


def test_re_authentication_is_in_the_history(app, signed_in):
    admin = signed_in("admin")
    admin.post("/sudo", data={"sudo_password": "wrong"}, htmx=True)
    last = _attempts(app)[-1]
    assert (last.reason, last.success, last.operator_id) == ("reauth", False, _op_id(app, "admin"))


@pytest.mark.parametrize("name", ["\x00admin", "ad\x00min", "x" * 10_000, "\u202eevil", "名字 with space"])
def test_hostile_names_are_refused_and_stored_safely(app, operators, name):
    b = _browser(app, "Agent\x7f/1.0", "203.0.113.5")
    resp = b.login(name, "whatever it is")
    assert resp.status_code == 401
    last = _attempts(app)[-1]
    assert "\x00" not in last.name and len(last.name) <= 255 and not last.success
