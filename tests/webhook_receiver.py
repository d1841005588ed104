"""A local webhook receiver for the alert tests: http.server on port 0, in a thread, that records
every POST and fails on demand."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest


class Receiver:
    """Answers 200 with `answer` (a JSON document), except for the next `failures` requests,
    which get HTTP 500 (or `failure_answer` with status 200: a robot's error code)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures = 0
        self.answer: dict = {"ok": True}
        self.failure_answer: dict | None = None
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                with receiver._lock:
                    failing = receiver.failures > 0
                    receiver.failures -= 1 if failing else 0
                    receiver.requests.append({"path": parts.path, "query": dict(parse_qsl(parts.query)),
                                              "headers": dict(self.headers), "body": json.loads(raw or b"null"),
                                              "failed": failing})
                if failing and receiver.failure_answer is None:
                    status, answer = 500, {"error": "failing on purpose"}
                else:
                    status, answer = 200, receiver.failure_answer if failing else receiver.answer
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def fail_next(self, count: int, answer: dict | None = None) -> None:
        with self._lock:
            self.failures, self.failure_answer = count, answer

    def bodies(self, delivered_only: bool = False) -> list:
        with self._lock:
            return [r["body"] for r in self.requests if not (delivered_only and r["failed"])]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()
