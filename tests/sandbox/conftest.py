"""Helpers for the sandbox tests: raw HTTP calls with a real admin UserSig, account setup."""
from __future__ import annotations

import json

import pytest
import requests


class RawApi:
    """Posts exactly what it is given: the protocol tests need malformed requests too."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.session = requests.Session()

    def query(self, **overrides) -> dict:
        """The admin's query string; an override of None leaves that parameter out."""
        admin = self.sandbox.admin
        query = {"sdkappid": self.sandbox.app_id, "identifier": admin,
                 "usersig": self.sandbox.make_usersig(admin), "random": 1234, "contenttype": "json"}
        query.update(overrides)
        return {k: v for k, v in query.items() if v is not None}

    def post(self, endpoint: str, body=None, *, raw: bytes | None = None, headers=None, **query):
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.session.post(f"{self.sandbox.base_url}/v4/{endpoint}", params=self.query(**query),
                                 data=data, headers=headers or {}, timeout=10)

    def __call__(self, endpoint: str, body=None, **query) -> dict:
        response = self.post(endpoint, body, **query)
        assert response.status_code == 200
        return response.json()


@pytest.fixture
def api(sandbox):
    client = RawApi(sandbox)
    yield client
    client.session.close()


@pytest.fixture
def users(sandbox):
    """users("a", "b") imports the accounts in-process and returns their names."""
    def make(*names):
        for name in names:
            assert sandbox.invoke("im_open_login_svc/account_import", {"UserID": name})["ErrorCode"] == 0
        return names
    return make


@pytest.fixture
def app_key(sandbox):
    """(app id, secret key, admin) of the session sandbox, for signing UserSigs by hand."""
    return sandbox.app_id, sandbox._secret, sandbox.admin
