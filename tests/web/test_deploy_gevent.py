"""The console as `make run` and the README deploy it: gunicorn.conf.py (the gevent worker), one
worker, the in-process broker, SQLite (or the test's PostgreSQL schema), IM = the sandbox.

Everything else in tests/web runs the app in threads; this checks that the pieces that block
(database, IM calls over requests, live streams, the callback writer) cooperate under gevent:
concurrent callbacks are all stored and streamed while a slow IM call is in flight.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from gunicorn_support import Viewer, post_login_callback, prepare, serving, signed_in
from testenv import SANDBOX_ADMIN, SANDBOX_APP_ID, SANDBOX_SECRET

PASSWORD = "deploy test password"
CALLBACK_TOKEN = "deploy-test-callback-token"
pytestmark = pytest.mark.slow


@pytest.fixture
def deployed(sandbox, database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "",
           "TIM_APP_ID": str(SANDBOX_APP_ID), "TIM_SECRET": SANDBOX_SECRET,
           "TIM_ADMIN": SANDBOX_ADMIN, "TIM_BASE_URL": sandbox.base_url,
           "TIM_CALLBACK_TOKEN": CALLBACK_TOKEN, "SECRET_KEY": "deploy-test-secret-key",
           "CONSOLE_INSTANCE": str(tmp_path / "instance"), "LOGIN_LIMIT": "1000 per minute"}
    env.pop("WEB_CONCURRENCY", None)
    prepare(env, "watcher", PASSWORD)
    with serving(env) as url:
        yield url


def test_gevent_worker_serves_pages_im_calls_callbacks_and_streams_together(deployed, sandbox):
    url = deployed
    health = requests.get(url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["im"]["ok"], health.text

    session = signed_in(url, "watcher", PASSWORD)
    assert session.get(url + "/events", timeout=5).status_code == 200
    viewers = [Viewer(signed_in(url, "watcher", PASSWORD), url) for _ in range(3)]
    for viewer in viewers:
        viewer.start()
        assert viewer.ready.wait(10)
    assert len({v.pid for v in viewers}) == 1

    # An IM call that takes a while must not hold up callbacks: under gevent it yields.
    sandbox.faults.set(latency=2.0)
    session = signed_in(url, "watcher", PASSWORD)
    with ThreadPoolExecutor(9) as pool:
        slow = pool.submit(session.get, url + "/accounts/u/someone/profile", timeout=10,
                           allow_redirects=False)
        time.sleep(0.3)  # the profile request is now waiting for IM
        posts = 40
        answers = list(pool.map(
            lambda n: post_login_callback(url, SANDBOX_APP_ID, CALLBACK_TOKEN, n), range(posts)))
        assert not slow.done(), "the callbacks waited for the IM call to finish"
        assert slow.result().status_code == 200 and "Profile" in slow.result().text
    sandbox.faults.clear()
    assert all(a.status_code == 200 and a.json()["ErrorCode"] == 0 for a in answers)

    for viewer in viewers:
        assert viewer.wait_for(posts), viewer.ids
        assert sorted(viewer.ids) == list(range(1, posts + 1))
    page = session.get(url + "/events/history", timeout=5)
    assert page.status_code == 200 and "user39" in page.text
