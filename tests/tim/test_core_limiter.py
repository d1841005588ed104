"""The per-endpoint limiter's arithmetic (the pacing over real sockets is in test_transport)."""
from __future__ import annotations

import threading

import pytest

from console.tim.limiter import DEFAULT_RATE, Limiter, SlidingWindow, TokenBucket


def test_documented_defaults():
    lim = Limiter()
    assert lim.rate_for("openim/sendmsg") == DEFAULT_RATE == 200
    assert lim.rate_for("im_open_login_svc/multiaccount_import") == 100
    assert lim.rate_for("timpush/add_tag") == lim.rate_for("all_member_push/im_add_tag") == 100
    assert lim.rate_for("timpush/push") == lim.rate_for("timpush/revoke") == 1
    assert lim.rate_for("group_open_http_svc/get_appid_group_list") == 1


def test_overrides():
    lim = Limiter({"openim/sendmsg": 300, "default": 50, "sns/friend_get": None,
                   "openim/batchsendmsg": {"per_second": 100, "per_minute": 6000}})
    assert lim.rate_for("openim/sendmsg") == 300 and lim.rate_for("x/y") == 50
    assert lim.rate_for("sns/friend_get") == 0
    assert lim._per_minute["openim/batchsendmsg"] == ("To_Account", 6000)
    assert all(lim.reserve("sns/friend_get") == 0 for _ in range(1000))  # unlimited
    for bad in ({"a/b": -1}, {"a/b": "fast"}, {"a/b": {"per_hour": 1}}):
        with pytest.raises(ValueError):
            Limiter(bad)


def test_token_bucket_spaces_requests_at_the_rate():
    bucket = TokenBucket(rate=10, burst=2)
    waits = [bucket.reserve() for _ in range(6)]
    assert waits[:2] == [0.0, 0.0]
    # each further call waits one more tenth of a second (minus the few microseconds elapsed)
    for i, w in enumerate(waits[2:], start=1):
        assert i * 0.1 - 0.01 < w <= i * 0.1


def test_no_one_second_interval_exceeds_the_limit():
    """With the default headroom the burst plus one second of refill equals the limit."""
    lim = Limiter()
    waits = sorted(lim.reserve("im_open_login_svc/multiaccount_import") for _ in range(300))
    for i, start in enumerate(waits):
        in_window = sum(1 for w in waits[i:] if w < start + 1.0)
        assert in_window <= 100


def test_batchsendmsg_counts_recipients_per_minute():
    lim = Limiter({"openim/batchsendmsg": {"per_minute": 1000}})
    body = {"To_Account": [f"u{i}" for i in range(400)]}
    assert lim.reserve("openim/batchsendmsg", body) == 0
    assert lim.reserve("openim/batchsendmsg", body) < 0.1
    third = lim.reserve("openim/batchsendmsg", body)  # 1200 > 1000: wait for the first to age out
    assert 59 < third <= 60


def test_sliding_window_is_thread_safe():
    window = SlidingWindow(limit=100, period=60)
    waits: list[float] = []
    lock = threading.Lock()

    def take():
        w = window.reserve(1)
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=take) for _ in range(150)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for w in waits if w < 1) == 100 and sum(1 for w in waits if w > 59) == 50
