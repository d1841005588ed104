"""Fan-out across processes: two gunicorn workers, Redis pub/sub, every viewer sees every event.

Needs TEST_REDIS_URL (skips otherwise). The database is the test's SQLite file (WAL, shared by
both workers) or its PostgreSQL schema with TEST_DATABASE_URL.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from console.tim.callbacks import sign

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APP_ID = 1400000042
CALLBACK_TOKEN = "fan-out-test-token"
PASSWORD = "fan-out test password"
pytestmark = pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_workers(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": os.environ["TEST_REDIS_URL"],
           "TIM_APP_ID": str(APP_ID), "TIM_SECRET": "fan-out-test-secret",
           "TIM_BASE_URL": "http://127.0.0.1:9", "TIM_CALLBACK_TOKEN": CALLBACK_TOKEN,
           "SECRET_KEY": "fan-out-test-secret-key", "CONSOLE_INSTANCE": str(tmp_path / "instance"),
           "LOGIN_LIMIT": "1000 per minute", "PYTHONPATH": ROOT, "EVENTS_MAX_STREAMS": "24"}
    bin_dir = os.path.dirname(sys.executable)
    flask = [os.path.join(bin_dir, "flask"), "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["operators", "create", "watcher", "--role", "viewer", "--password-stdin"],
                   cwd=ROOT, env=env, check=True, capture_output=True, input=(PASSWORD + "\n").encode())
    port = _free_port()
    server = subprocess.Popen(
        [os.path.join(bin_dir, "gunicorn"), "-k", "gthread", "-w", "2", "--threads", "32",
         "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url + "/login", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _session(url: str) -> requests.Session:
    s = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(url + "/login").text).group(1)
    _plain_http(s)
    r = s.post(url + "/login", data={"name": "watcher", "password": PASSWORD, "csrf_token": token},
               allow_redirects=False)
    assert r.status_code == 302
    _plain_http(s)
    return s


def _plain_http(session: requests.Session) -> None:
    for cookie in session.cookies:  # production cookies are Secure; this test talks plain HTTP
        cookie.secure = False


class Viewer(threading.Thread):
    """One SSE connection; records the serving process and every event id it receives."""

    def __init__(self, session: requests.Session, url: str):
        super().__init__(daemon=True)
        self.response = session.get(url + "/events/stream?after=0", stream=True, timeout=30)
        self.pid = None
        self.ids: list[int] = []
        self.ready = threading.Event()

    def run(self):
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(": stream served by process"):
                    self.pid = int(line.rsplit(" ", 1)[1])
                    self.ready.set()
                elif line.startswith("id: "):
                    self.ids.append(int(line[4:]))
        except (requests.RequestException, AttributeError):
            pass


def test_every_viewer_on_every_worker_sees_every_event(two_workers):
    url = two_workers
    viewers: list[Viewer] = []
    deadline = time.monotonic() + 20
    while len({v.pid for v in viewers}) < 2 or len(viewers) < 6:  # streams on both workers
        assert time.monotonic() < deadline, "gunicorn never served a stream on a second worker"
        viewer = Viewer(_session(url), url)
        viewer.start()
        assert viewer.ready.wait(10)
        viewers.append(viewer)

    posts = 10
    for n in range(posts):
        at = int(time.time())
        query = {"SdkAppid": str(APP_ID), "CallbackCommand": "State.StateChange",
                 "Sign": sign(CALLBACK_TOKEN, at), "RequestTime": str(at)}
        body = {"CallbackCommand": "State.StateChange", "EventTime": n,
                "Info": {"Action": "Login", "To_Account": f"user{n}"}}
        r = requests.post(url + "/callback", params=query, json=body, timeout=5)
        assert r.status_code == 200 and r.json()["ErrorCode"] == 0

    deadline = time.monotonic() + 10
    while any(len(v.ids) < posts for v in viewers) and time.monotonic() < deadline:
        time.sleep(0.05)
    # (the streams end when the fixture stops gunicorn)
    assert len({v.pid for v in viewers}) == 2
    assert all(v.ids == list(range(1, posts + 1)) for v in viewers), [(v.pid, v.ids) for v in viewers]
