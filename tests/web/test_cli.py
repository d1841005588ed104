"""`flask db|operators|jobs` commands through Flask's CLI runner."""
from __future__ import annotations

from sqlalchemy import select

from console import db
from console.models import AuditEntry, Operator


def _op(app, name):
    with db.new_session(app) as sess:
        return sess.scalar(select(Operator).where(Operator.name == name))


def test_operators_lifecycle(app):
    runner = app.test_cli_runner()
    setup = runner.invoke(args=["operators", "setup-url"])
    assert setup.exit_code == 0 and "/setup/" in setup.output
    assert runner.invoke(args=["operators", "setup-url"]).output == setup.output  # same link until used

    created = runner.invoke(args=["operators", "create", "root", "--role", "admin", "--password-stdin"],
                            input="a long password\n")
    assert created.exit_code == 0, created.output
    assert _op(app, "root").role == "admin"
    again = runner.invoke(args=["operators", "setup-url"])
    assert again.exit_code != 0 and "already exist" in again.output

    short = runner.invoke(args=["operators", "create", "shorty", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and _op(app, "shorty") is None
    dup = runner.invoke(args=["operators", "create", "ROOT", "--password-stdin"], input="a long password\n")
    assert dup.exit_code != 0 and "already exists" in dup.output  # names are unique ignoring case

    token = _op(app, "root").session_token
    assert runner.invoke(args=["operators", "set-role", "root", "viewer"]).exit_code == 0
    assert _op(app, "root").role == "viewer"
    assert runner.invoke(args=["operators", "reset-password", "root", "--password-stdin"],
                         input="another long one\n").exit_code == 0
    assert _op(app, "root").session_token != token
    assert runner.invoke(args=["operators", "disable", "root"]).exit_code == 0
    assert _op(app, "root").disabled
    listing = runner.invoke(args=["operators", "list"])
    assert "root\tviewer\tdisabled" in listing.output
    assert runner.invoke(args=["operators", "enable", "root"]).exit_code == 0
    missing = runner.invoke(args=["operators", "disable", "nobody"])
    assert missing.exit_code != 0 and "no operator" in missing.output

    with db.new_session(app) as sess:
        actions = sess.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["operator.create", "operator.set_role", "operator.reset_password", "operator.disable",
                       "operator.enable"]


def test_db_commands(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with db.new_session(app) as sess:
        assert sess.scalar(select(Operator).limit(1)) is None  # tables are back


def test_worker_refuses_immediate_mode(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code != 0 and "immediate" in result.output
