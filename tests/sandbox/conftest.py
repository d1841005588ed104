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
    from testenv import SANDBOX_ADMIN, SANDBOX_APP_ID, SANDBOX_SECRET
    assert (sandbox.app_id, sandbox.admin) == (SANDBOX_APP_ID, SANDBOX_ADMIN)
    return SANDBOX_APP_ID, SANDBOX_SECRET, SANDBOX_ADMIN


class Receiver:
    """A local callback endpoint: records every call, answers with the ack set per command."""

    def __init__(self):
        from werkzeug.serving import make_server
        from werkzeug.wrappers import Request, Response
        import threading

        self.calls: list[tuple[dict, dict]] = []
        self.acks: dict[str, dict] = {}

        def app(environ, start_response):
            request = Request(environ)
            body = json.loads(request.get_data() or b"{}")
            self.calls.append((request.args.to_dict(), body))
            ack = self.acks.get(request.args.get("CallbackCommand"), {"ActionStatus": "OK", "ErrorCode": 0,
                                                                      "ErrorInfo": ""})
            return Response(json.dumps(ack), content_type="application/json")(environ, start_response)

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def commands(self) -> list[str]:
        return [query["CallbackCommand"] for query, _ in self.calls]

    def bodies(self, command: str) -> list[dict]:
        return [body for query, body in self.calls if query["CallbackCommand"] == command]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(sandbox):
    """A callback receiver the sandbox sends to (token "cbtoken")."""
    rx = Receiver()
    sandbox.callbacks.configure(rx.url, "cbtoken")
    yield rx
    sandbox.callbacks.configure(None, None)
    rx.close()


@pytest.fixture
def settle(sandbox):
    """settle() waits until the queued after-callbacks went out."""
    def wait() -> None:
        assert sandbox.callbacks.flush(5.0)
    return wait
