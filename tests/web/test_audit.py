"""The audited client: one row per IM call (success, partial, failure), secrets never stored or logged."""
from __future__ import annotations

import json
import logging
import re

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import select

from console import db
from console.audit import AuditContext, AuditedClient, extract_items, extract_targets, outcome_of, request_context
from console.models import AuditEntry, AuditTarget, Operator

USERSIG_SHAPE = re.compile(r"eJ[A-Za-z0-9*\-_]{40,}")


@pytest.fixture
def as_operator(app, operators):
    """Run code inside a request signed in as the 'operator' operator, with g.tim ready."""
    def enter():
        ctx = app.test_request_context("/x", headers={"User-Agent": "pytest-agent"},
                                       environ_base={"REMOTE_ADDR": "10.1.2.3"})
        ctx.push()
        op = db.session.scalar(select(Operator).where(Operator.name == "operator"))
        login_user(op)
        g.request_id = "req-test-1"
        g.tim = AuditedClient(app.extensions["tim_client"], request_context)
        return ctx
    contexts = []
    yield lambda: contexts.append(enter()) or g.tim
    for ctx in reversed(contexts):
        ctx.pop()


def _assert_clean(text: str, secret: str) -> None:
    assert secret not in text
    assert not USERSIG_SHAPE.search(text), USERSIG_SHAPE.search(text).group(0)[:20]
    assert "usersig=eJ" not in text.lower()


def test_successful_call_writes_one_attributed_row(app, as_operator, audit_rows):
    tim = as_operator()
    tim.account.import_account("alice", nick="Alice")
    rows = audit_rows()
    assert len(rows) == 1
    row = rows[0]
    assert row.action == "account.import_account"
    assert row.endpoint == "im_open_login_svc/account_import"
    assert row.outcome == "ok" and row.error_code is None
    assert row.operator_name == "operator" and row.operator_role == "operator" and row.source == "web"
    assert row.targets == ["alice"]
    assert row.request["UserID"] == "alice"
    assert row.ip == "10.1.2.3" and row.user_agent == "pytest-agent" and row.request_id == "req-test-1"
    assert row.latency_ms is not None and row.attempts == 1


def test_each_call_is_one_row_and_partial_batches_are_partial(app, as_operator, audit_rows):
    tim = as_operator()
    tim.account.import_accounts(["u1", "u2"])
    result = tim.account.check_accounts(["u1", "ghost"])
    presence = tim.account.get_accounts_online_state(["u1", "ghost"])
    rows = audit_rows()
    assert [r.action for r in rows] == ["account.import_accounts", "account.check_accounts",
                                        "account.get_accounts_online_state"]
    assert rows[0].outcome == "ok" and rows[0].targets == ["u1", "u2"]
    # account_check answers per item with ResultCode 0 even for an unknown ID: not a failure.
    assert [i.imported for i in result] == [True, False]
    assert rows[1].outcome == "ok"
    # presence of an unknown user fails that item only
    assert not all(i.ok for i in presence)
    assert rows[2].outcome == "partial"
    assert [(i["target"], i["ok"]) for i in rows[2].items] == [("ghost", False)]


def test_failed_call_keeps_its_row_with_the_im_error(app, as_operator, sandbox, audit_rows):
    from console.tim import TimError

    tim = as_operator()
    sandbox.faults.set(error_rate=1.0, error_code=70500)
    with pytest.raises(TimError) as info:
        tim.account.import_account("bob")
    rows = audit_rows()
    assert len(rows) == 1
    assert rows[0].outcome == "failed" and rows[0].error_code == info.value.code == 70500
    assert rows[0].targets == ["bob"]


def test_transport_failure_is_audited(app, as_operator, sandbox, audit_rows):
    from console.tim import TransportError

    tim = as_operator()
    sandbox.faults.set(http_status=502)
    with pytest.raises(TransportError):
        tim.account.check_accounts(["x"])
    rows = audit_rows()
    assert len(rows) == 1 and rows[0].outcome == "failed" and rows[0].error_code == -1
    assert rows[0].attempts >= 1


def test_a_failed_request_still_leaves_its_row(app, signed_in, sandbox, audit_rows):
    """The row is committed in its own transaction, before the view fails."""
    sandbox.faults.set(error_rate=1.0, error_code=70500)
    browser = signed_in("operator")
    resp = browser.post("/settings/test", htmx=True)
    assert resp.status_code == 200
    assert "70500" in resp.get_data(as_text=True)
    rows = [r for r in audit_rows() if r.endpoint]
    assert len(rows) == 1 and rows[0].outcome == "failed" and rows[0].operator_name == "operator"


def test_generators_keep_the_operator(app, as_operator, audit_rows):
    tim = as_operator()
    tim.account.import_accounts(["f1", "f2"])
    tim.sns.add_friends("f1", ["f2"], force=True)
    before = len(audit_rows())
    friends = tim.sns.iter_friends("f1")
    assert len(audit_rows()) == before  # nothing is fetched until the generator is consumed
    assert [f.id for f in friends] == ["f2"]
    rows = audit_rows()[before:]
    assert [r.action for r in rows] == ["sns.fetch_friends"]
    assert rows[0].operator_name == "operator" and rows[0].request_id == "req-test-1"


def test_no_secret_or_usersig_in_rows_or_logs(app, as_operator, sandbox, caplog, audit_rows, sandbox_secret):
    caplog.set_level(logging.DEBUG)
    tim = as_operator()
    tim.account.import_account("carol")
    tim.account.check_accounts(["carol", "nobody"])
    sandbox.faults.set(error_rate=1.0, error_code=70001)
    with pytest.raises(Exception):
        tim.account.import_account("dave")
    sandbox.faults.clear()
    for row in audit_rows():
        columns = {c.name: getattr(row, c.name) for c in AuditEntry.__table__.columns}
        _assert_clean(json.dumps(columns, default=str), sandbox_secret)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "usersig" in logged.lower() or caplog.records  # urllib3 logged the request lines
    _assert_clean(logged, sandbox_secret)


def test_target_index_and_history_panel(app, signed_in):
    # No request context here: the test client's requests must not share its `g`.
    tim = AuditedClient(app.extensions["tim_client"], AuditContext(source="cli", operator_name="cli:test"))
    tim.account.import_accounts(["h1", "h2"])
    tim.account.import_account("h2")
    with db.new_session(app) as sess:
        assert sorted(sess.scalars(select(AuditTarget.target))) == ["h1", "h2", "h2"]
    html = signed_in("viewer").get("/audit/history?target=h2").get_data(as_text=True)
    # each action in words, IM's operation in the tooltip
    assert html.count('title="account.import_account">Import an account</span>') == 1
    assert html.count('title="account.import_accounts">Import accounts</span>') == 1


def test_extractors():
    body = {"From_Account": "a", "To_Account": ["b", "c"], "MsgBody": [{"MsgContent": {"Text": "x"}}],
            "MemberList": [{"Member_Account": "d"}], "CheckItem": [{"UserID": "e"}], "GroupId": "g1"}
    assert extract_targets(body) == ["a", "b", "c", "d", "e", "g1"]
    resp = {"ErrorList": [{"To_Account": "b", "ErrorCode": 70107}],
            "MemberList": [{"Member_Account": "d", "Result": 1}]}
    items = extract_items(resp)
    assert {(i["target"], i["ok"]) for i in items} == {("b", False), ("d", True)}
    assert outcome_of(None, items) == "partial"
    assert outcome_of(None, [{"ok": False}]) == "partial"
    assert outcome_of(RuntimeError("boom"), []) == "failed"
    assert outcome_of(None, []) == "ok"
    assert extract_items({"FailAccounts": ["z"]})[0] == {"target": "z", "ok": False, "code": None, "info": None}


def test_audited_client_hides_credentials(app, sandbox_secret):
    tim = AuditedClient(app.extensions["tim_client"], request_context)
    for name in ("_secret", "_sigs", "close", "add_observer"):
        with pytest.raises(AttributeError):
            getattr(tim, name)
    assert sandbox_secret not in repr(tim)


def test_append_only_on_postgresql(app, as_operator):
    """On PostgreSQL the migration's trigger rejects UPDATE and DELETE of audit rows."""
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    if app.extensions["db_engine"].dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    as_operator().account.import_account("eve")
    for stmt in (update(AuditEntry).values(outcome="ok"), delete(AuditTarget), delete(AuditEntry)):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.new_session(app) as sess:
                sess.execute(stmt)


def test_record_action_and_audit_pages(app, signed_in, audit_rows):
    admin = signed_in("admin")
    resp = admin.post("/operators", {"name": "newbie", "role": "viewer", "password": "long enough pw"})
    assert resp.status_code == 302
    rows = audit_rows()
    assert rows[-1].action == "operator.create" and rows[-1].targets == ["newbie"]
    assert rows[-1].operator_name == "admin" and rows[-1].endpoint is None
    viewer = signed_in("viewer")
    page = viewer.get("/audit?action=operator").get_data(as_text=True)
    assert "operator.create" in page
    assert "operator.create" not in viewer.get("/audit?action=account").get_data(as_text=True)
    detail = viewer.get(f"/audit/{rows[-1].id}")
    assert detail.status_code == 200 and "newbie" in detail.get_data(as_text=True)


def test_im_call_with_uncommitted_sqlite_writes_is_refused(app, as_operator, audit_rows):
    """On SQLite the audit writer would wait for the request's write lock: fail fast instead."""
    from console.models import Setting

    tim = as_operator()
    db.session.add(Setting(key="pending", value="x"))
    db.session.flush()
    if app.extensions["db_engine"].dialect.name != "sqlite":
        tim.account.import_account("pg-ok")  # PostgreSQL: separate transactions do not block
        db.session.rollback()
        assert [r.targets for r in audit_rows()] == [["pg-ok"]]
        return
    with pytest.raises(RuntimeError, match="commit"):
        tim.account.import_account("never-sent")
    db.session.commit()
    tim.account.import_account("after-commit")
    assert [r.targets for r in audit_rows()] == [["after-commit"]]


def test_im_call_inside_a_writing_new_session_is_refused_on_sqlite(app):
    from console.models import Setting

    if app.extensions["db_engine"].dialect.name != "sqlite":
        pytest.skip("SQLite only")
    tim = AuditedClient(app.extensions["tim_client"], AuditContext(source="cli"))
    with pytest.raises(RuntimeError, match="commit"):
        with db.new_session(app) as sess:
            sess.add(Setting(key="job-side", value="x"))
            sess.flush()
            tim.account.import_account("never-sent")
    tim.account.import_account("fine-now")  # the failed session rolled back and released the lock
