"""Helpers of the callback / events / rules tests: post callbacks exactly as IM does.

The app, operators and signed-in browsers come from tests/web/conftest.py (SQLite, or PostgreSQL
with TEST_DATABASE_URL). `Callbacks(app)` signs the query with the app's own token and app id.
"""
from __future__ import annotations

import json
import re
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

OK = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}


class Callbacks:
    """Posts callbacks to one app's /callback the way Tencent IM does."""

    def __init__(self, app, client=None):
        self.app = app
        self.client = client or app.test_client()
        self.app_id = app.config["TIM_APP_ID"]
        self.token = app.config.get("TIM_CALLBACK_TOKEN")

    def query(self, command: str, *, app_id=None, token: str | None | bool = True,
              at: int | None = None, **extra) -> str:
        from console.tim.callbacks import sign

        query = {"SdkAppid": str(app_id or self.app_id), "CallbackCommand": command,
                 "contenttype": "json", "ClientIP": "203.0.113.7", "OptPlatform": "Android"}
        token = self.token if token is True else token
        if token:
            at = int(time.time()) if at is None else at
            query.update(Sign=sign(token, at), RequestTime=str(at))
        query.update(extra)
        return urlencode(query)

    def post(self, command: str, body, **query_args):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.client.post("/callback?" + self.query(command, **query_args), data=data,
                                content_type="application/json")

    def ack(self, command: str, body, **query_args) -> dict:
        response = self.post(command, body, **query_args)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "application/json"
        return response.get_json()


@pytest.fixture
def callbacks(app):
    return Callbacks(app)


def sign_in_new(app, role: str):
    """A test client signed in as a new operator of `role`, created with the app's own CLI."""
    name, password = f"{role}-{time.monotonic_ns()}", "a long enough test password"
    result = app.test_cli_runner().invoke(
        args=["operators", "create", name, "--role", role, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 0, result.output
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302
    return client


def stored_events(app) -> list:
    from console.models.events import CallbackEvent

    app.extensions["events"].flush()
    with app.extensions["db_engine"].connect() as conn:
        return list(conn.execute(select(CallbackEvent.__table__).order_by(CallbackEvent.id)))


def account_rows(app) -> dict:
    from console.models import Account

    app.extensions["events"].flush()
    with app.extensions["db_engine"].connect() as conn:
        return {a.user_id: a for a in conn.execute(select(Account.__table__))}


def audit_actions(app, prefix: str) -> list:
    from console.models import AuditEntry

    with app.extensions["db_engine"].connect() as conn:
        return list(conn.execute(select(AuditEntry.__table__).where(AuditEntry.action.like(prefix + "%"))
                                 .order_by(AuditEntry.id)))
