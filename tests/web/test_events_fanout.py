"""Fan-out across processes: two gunicorn workers (gunicorn.conf.py, as deployed), Redis pub/sub,
every viewer sees every event.

Needs TEST_REDIS_URL (skips otherwise). The database is the test's SQLite file (WAL, shared by
both workers) or its PostgreSQL schema with TEST_DATABASE_URL.
"""
from __future__ import annotations

import os
import time

import pytest
from gunicorn_support import Viewer, post_login_callback, prepare, serving, signed_in

APP_ID = 1400000042
CALLBACK_TOKEN = "fan-out-test-token"
PASSWORD = "fan-out test password"
pytestmark = pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")


@pytest.fixture
def two_workers(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": os.environ["TEST_REDIS_URL"],
           "TIM_APP_ID": str(APP_ID), "TIM_SECRET": "fan-out-test-secret",
           "TIM_BASE_URL": "http://127.0.0.1:9", "TIM_CALLBACK_TOKEN": CALLBACK_TOKEN,
           "SECRET_KEY": "fan-out-test-secret-key", "CONSOLE_INSTANCE": str(tmp_path / "instance"),
           "LOGIN_LIMIT": "1000 per minute"}
    prepare(env, "watcher", PASSWORD)
    with serving(env, workers=2) as url:
        yield url


def test_every_viewer_on_every_worker_sees_every_event(two_workers):
    url = two_workers
    viewers: list[Viewer] = []
    deadline = time.monotonic() + 20
    while len({v.pid for v in viewers}) < 2 or len(viewers) < 6:  # streams on both workers
        assert time.monotonic() < deadline, "gunicorn never served a stream on a second worker"
        viewer = Viewer(signed_in(url, "watcher", PASSWORD), url)
        viewer.start()
        assert viewer.ready.wait(10)
        viewers.append(viewer)

    posts = 10
    for n in range(posts):
        r = post_login_callback(url, APP_ID, CALLBACK_TOKEN, n)
        assert r.status_code == 200 and r.json()["ErrorCode"] == 0

    for viewer in viewers:
        viewer.wait_for(posts)
    # (the streams end when the fixture stops gunicorn)
    assert len({v.pid for v in viewers}) == 2
    assert all(v.ids == list(range(1, posts + 1)) for v in viewers), [(v.pid, v.ids) for v in viewers]
