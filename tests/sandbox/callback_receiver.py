"""A local HTTP receiver for the sandbox's callbacks, as pytest fixtures (import them by name)."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

CALLBACK_TOKEN = "receiver-token-3c1f"


@dataclass
class Received:
    """One callback request as the receiver got it."""
    method: str
    path: str
    query: dict
    body: dict | None
    raw: bytes
    content_type: str

    @property
    def command(self) -> str | None:
        return self.query.get("CallbackCommand")


class CallbackReceiver:
    """Records every POST; answers with `answer(command, body)` (default: ack OK).

    `answer` may return a dict (sent as JSON), or (status, bytes) for a raw reply; `gate`, when
    set, makes each request wait until the test sets it (to hold the sender)."""

    def __init__(self):
        self.received: list[Received] = []
        self.answer = lambda command, body: {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
        self.gate: threading.Event | None = None
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server naming
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                split = urlsplit(self.path)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                req = Received("POST", split.path, dict(parse_qsl(split.query)), body, raw,
                               self.headers.get("Content-Type", ""))
                with receiver._cond:
                    receiver.received.append(req)
                    receiver._cond.notify_all()
                if receiver.gate is not None:
                    receiver.gate.wait(10)
                reply = receiver.answer(req.command, body)
                status, data = (200, json.dumps(reply).encode()) if isinstance(reply, dict) \
                    else reply
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the sender gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/callback"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def answer_for(self, command: str, ack) -> None:
        """Answer `ack` to `command`, OK to everything else."""
        self.answer = lambda c, body: ack if c == command else \
            {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}

    def commands(self) -> list[str]:
        with self._cond:
            return [r.command for r in self.received]

    def of(self, command: str) -> list[Received]:
        with self._cond:
            return [r for r in self.received if r.command == command]

    def wait_for(self, command: str, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """The requests for `command` once at least `count` arrived (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([r for r in self.received if r.command == command]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{command} x{count} not received; got {self.commands()}")
                self._cond.wait(left)
            return [r for r in self.received if r.command == command]

    def clear(self) -> None:
        with self._cond:
            self.received.clear()

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = CallbackReceiver()
    yield r
    r.close()


@pytest.fixture
def wired(sandbox, receiver):
    """The sandbox sending its callbacks, signed, to `receiver`; counters start at zero."""
    sandbox.callbacks.reset()
    sandbox.callbacks.configure(receiver.url, CALLBACK_TOKEN)
    yield receiver
    sandbox.callbacks.flush(5)
    sandbox.callbacks.reset()
