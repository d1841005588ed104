"""/metrics under gunicorn as deployed (gunicorn.conf.py), with two workers: prometheus_client's
multi-process mode sums what each worker counted, whichever worker answers the scrape."""
from __future__ import annotations

import os
import time

import pytest
import requests
from gunicorn_support import Viewer, post_login_callback, prepare, serving, signed_in
from prometheus_client.parser import text_string_to_metric_families
from testenv import SANDBOX_ADMIN, SANDBOX_APP_ID, SANDBOX_SECRET

PASSWORD = "metrics test password"
CALLBACK_TOKEN = "metrics-test-callback-token"
METRICS_TOKEN = "metrics-gunicorn-token"
pytestmark = pytest.mark.slow


def _scrape(url: str) -> dict:
    response = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
                            timeout=10)
    assert response.status_code == 200, response.text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def test_two_workers_metrics_are_summed(sandbox, database_url, tmp_path):
    instance = tmp_path / "instance"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "",
           "TIM_APP_ID": str(SANDBOX_APP_ID), "TIM_SECRET": SANDBOX_SECRET,
           "TIM_ADMIN": SANDBOX_ADMIN, "TIM_BASE_URL": sandbox.base_url,
           "TIM_CALLBACK_TOKEN": CALLBACK_TOKEN, "SECRET_KEY": "metrics-test-secret-key",
           "CONSOLE_INSTANCE": str(instance), "LOGIN_LIMIT": "1000 per minute",
           "METRICS_TOKEN": METRICS_TOKEN}
    for name in ("WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    prepare(env, "watcher", PASSWORD)
    metrics_dir = instance / "prometheus"
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "counter_999999.db").write_bytes(b"left over from a previous run")

    with serving(env, workers=2) as url:
        assert not (metrics_dir / "counter_999999.db").exists()  # emptied at start
        # Live viewers until both workers hold some: each connection lands on either worker, once
        # both have loaded the app (the first one up may take every connection until then).
        viewers = []
        deadline = time.monotonic() + 30
        while len({v.pid for v in viewers}) < 2:
            assert time.monotonic() < deadline and len(viewers) < 150, "every stream landed on one worker"
            if viewers:
                time.sleep(0.2)
            viewer = Viewer(signed_in(url, "watcher", PASSWORD), url)
            viewer.start()
            assert viewer.ready.wait(10)
            viewers.append(viewer)
        pids = {v.pid for v in viewers}
        posts = 30
        for n in range(posts):
            assert post_login_callback(url, SANDBOX_APP_ID, CALLBACK_TOKEN, n).status_code == 200

        # every stream counted, whichever worker holds it and whichever answered the scrape; a
        # worker applies its callback samples every quarter second (metrics.flush), so the other
        # worker's may take that long to show
        accepted = ("tim_console_callbacks_total", (("command", "State.StateChange"), ("outcome", "accepted")))
        deadline = time.monotonic() + 10
        found = _scrape(url)
        while found.get(accepted) != posts and time.monotonic() < deadline:
            time.sleep(0.2)
            found = _scrape(url)
        assert found[("tim_console_live_viewers", ())] == len(viewers)
        assert found[accepted] == posts
        assert found[("tim_console_callback_seconds_count", ())] == posts
        for pid in pids:  # both workers wrote their samples to the shared folder
            assert (metrics_dir / f"gauge_livesum_{pid}.db").exists()
        assert requests.get(url + "/metrics", headers={"Authorization": "Bearer nope"},
                            timeout=5).status_code == 401

        for viewer in viewers:
            viewer.close()
