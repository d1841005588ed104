"""Server-side sessions (issue #14 item 1): a copied session cookie is refused once its session
ended — by logout, a password change, a role change, "end session" on /me or by an admin."""
from __future__ import annotations

import re

from web_client import PASSWORD, Browser
from sqlalchemy import select

from console import db
from console.models import OperatorSession


def _copy(app, browser: Browser) -> Browser:
    """A second client carrying a copy of `browser`'s session cookie (a stolen cookie)."""
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", cookie.value)
    return thief


def _refused(browser: Browser, page: str = "/me") -> bool:
    resp = browser.get(page)
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


def _sessions(app, name: str | None = None) -> list[OperatorSession]:
    from console.models import Operator

    with db.new_session(app) as sess:
        stmt = select(OperatorSession).join(Operator, Operator.id == OperatorSession.operator_id)
        if name:
            stmt = stmt.where(Operator.name == name)
        return list(sess.scalars(stmt.order_by(OperatorSession.id)))


def test_copied_cookie_is_refused_after_logout(app, signed_in):
    me = signed_in("operator")
    thief = _copy(app, me)
    assert thief.get("/me").status_code == 200 and thief.get("/audit").status_code == 200
    assert me.post("/logout").status_code == 302
    assert _refused(thief, "/me") and _refused(thief, "/audit")
    assert _refused(me)
    assert _sessions(app, "operator")[0].ended_at is not None


def test_copied_cookie_is_refused_after_password_change(app, signed_in):
    me = signed_in("viewer")
    thief = _copy(app, me)
    resp = me.post("/me/password", data={"current": PASSWORD, "password": "another long password",
                                         "confirm": "another long password"})
    assert resp.status_code == 302
    assert _refused(thief)
    assert me.get("/me").status_code == 200  # the browser that changed it stays signed in (a new session)
    live = [s for s in _sessions(app, "viewer") if s.ended_at is None]
    assert len(live) == 1


def test_other_browsers_end_with_a_password_change(app, signed_in, operators):
    first, second = signed_in("viewer"), signed_in("viewer")
    first.post("/me/password", data={"current": PASSWORD, "password": "another long password",
                                     "confirm": "another long password"})
    assert _refused(second)


def test_me_lists_sessions_and_ends_one(app, signed_in):
    laptop = signed_in("operator")
    phone = Browser(app.test_client())
    phone.client.environ_base["HTTP_USER_AGENT"] = "PhoneBrowser/1.0"
    phone.client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert phone.login("operator").status_code == 302
    stolen = _copy(app, phone)
    html = laptop.get("/me").get_data(as_text=True)
    assert "PhoneBrowser/1.0" in html and "10.1.2.3" in html
    phone_row = [s for s in _sessions(app, "operator") if s.user_agent == "PhoneBrowser/1.0"][0]
    assert f"/me/sessions/{phone_row.id}/end" in html
    resp = laptop.post(f"/me/sessions/{phone_row.id}/end")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me")
    assert _refused(phone) and _refused(stolen)
    assert laptop.get("/me").status_code == 200


def test_ending_this_session_signs_out(app, signed_in):
    me = signed_in("viewer")
    thief = _copy(app, me)
    own = _sessions(app, "viewer")[0]
    resp = me.post(f"/me/sessions/{own.id}/end")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert _refused(me) and _refused(thief)


def test_cannot_end_someone_elses_session_from_me(app, signed_in):
    viewer, admin = signed_in("viewer"), signed_in("admin")
    admin_row = _sessions(app, "admin")[0]
    assert viewer.post(f"/me/sessions/{admin_row.id}/end").status_code == 404
    assert admin.get("/me").status_code == 200


def test_admin_ends_another_operators_sessions(app, signed_in, audit_rows):
    victim, admin = signed_in("operator"), signed_in("admin")
    thief = _copy(app, victim)
    row = _sessions(app, "operator")[0]
    page = admin.get(f"/operators/{row.operator_id}").get_data(as_text=True)
    assert "Active sessions" in page and "Sign-in history" in page
    resp = admin.post(f"/operators/{row.operator_id}/sessions/end")
    assert resp.status_code == 302
    assert _refused(victim) and _refused(thief)
    assert [r.action for r in audit_rows()][-1] == "operator.end_sessions"


def test_non_admin_cannot_end_other_sessions(app, signed_in):
    victim, operator = signed_in("viewer"), signed_in("operator")
    row = _sessions(app, "viewer")[0]
    assert operator.post(f"/operators/{row.operator_id}/sessions/end").status_code == 403
    assert victim.get("/me").status_code == 200


def test_role_change_and_disable_end_sessions(app, signed_in):
    victim, admin = signed_in("operator"), signed_in("admin")
    op_id = _sessions(app, "operator")[0].operator_id
    assert admin.post(f"/operators/{op_id}/role", data={"role": "viewer"}).status_code == 302
    assert _refused(victim)
    again = signed_in("operator")  # now a viewer
    assert admin.post(f"/operators/{op_id}/access", data={"disabled": "1"}).status_code == 302
    assert _refused(again)


def test_a_forged_session_id_is_refused(app, signed_in):
    me = signed_in("viewer")
    with me.client.session_transaction() as sess:
        sess["sid"] = "made-up"
    assert _refused(me)


def test_cookie_holds_only_a_token(app, signed_in):
    me = signed_in("viewer")
    with me.client.session_transaction() as sess:
        token = sess["sid"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", token)
    rows = _sessions(app, "viewer")
    assert rows and all(token not in (r.token_hash or "") for r in rows)


def test_the_cli_ends_sessions_too(app, signed_in):
    me = signed_in("operator")
    thief = _copy(app, me)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["operators", "set-role", "operator", "viewer"]).exit_code == 0
    assert _refused(me) and _refused(thief)
    assert all(s.ended_at is not None for s in _sessions(app, "operator"))
