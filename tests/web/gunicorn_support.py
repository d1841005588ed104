"""The console under gunicorn as deployed (gunicorn.conf.py), for tests that need real workers:
start and stop it, sign in over HTTP, follow a live-event stream."""
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import requests

from console.tim.callbacks import sign

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict, operator: str, password: str) -> None:
    """Migrate the database and create a viewer, as an operator would before starting."""
    flask = [os.path.join(BIN, "flask"), "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["operators", "create", operator, "--role", "viewer", "--password-stdin"],
                   cwd=ROOT, env=env, check=True, capture_output=True,
                   input=(password + "\n").encode())


@contextlib.contextmanager
def serving(env: dict, workers: int = 1):
    """gunicorn -c gunicorn.conf.py with `workers` workers; yields the base URL once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [os.path.join(BIN, "gunicorn"), "-c", os.path.join(ROOT, "gunicorn.conf.py"),
         "-w", str(workers), "-b", f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"],
        cwd=ROOT, env={**env, "PYTHONPATH": ROOT}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(url + "/login", timeout=5)
                break
            except requests.RequestException:
                assert server.poll() is None, "gunicorn exited during start-up"
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def signed_in(url: str, name: str, password: str) -> requests.Session:
    s = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(url + "/login").text).group(1)
    _plain_http(s)
    r = s.post(url + "/login", data={"name": name, "password": password, "csrf_token": token},
               allow_redirects=False)
    assert r.status_code == 302
    _plain_http(s)
    return s


def _plain_http(session: requests.Session) -> None:
    for cookie in session.cookies:  # production cookies are Secure; these tests talk plain HTTP
        cookie.secure = False


def post_login_callback(url: str, app_id: int, token: str, n: int) -> requests.Response:
    """A signed State.StateChange (user{n} logs in) posted as IM posts it."""
    at = int(time.time())
    query = {"SdkAppid": str(app_id), "CallbackCommand": "State.StateChange",
             "Sign": sign(token, at), "RequestTime": str(at)}
    body = {"CallbackCommand": "State.StateChange", "EventTime": n,
            "Info": {"Action": "Login", "To_Account": f"user{n}"}}
    return requests.post(url + "/callback", params=query, json=body, timeout=5)


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
        except (requests.RequestException, AttributeError, OSError, ValueError):
            pass

    def close(self) -> None:
        """Ends the stream from the client side. The reader thread blocks in recv() holding the
        buffered file's lock, so closing the response alone waits until the server next writes;
        shutting the socket down first wakes the reader at once."""
        connection = getattr(self.response.raw, "_connection", None)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.response.close()
        self.join(5)

    def wait_for(self, count: int, seconds: float = 10) -> bool:
        deadline = time.monotonic() + seconds
        while len(self.ids) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(self.ids) >= count
