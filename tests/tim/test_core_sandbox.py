"""Client core against the sandbox over real HTTP: auth failures, its real rate limiter, faults."""
from __future__ import annotations

import pytest
from testenv import SANDBOX_ADMIN, SANDBOX_APP_ID, SANDBOX_SECRET

from console.tim import AuthError, Client, RateLimitedError, TransportError

PROBE = "im_open_login_svc/account_check"
BODY = {"CheckItem": [{"UserID": "nobody"}]}


def make(sandbox, events=None, **kw):
    kw = {"secret": SANDBOX_SECRET, "admin": SANDBOX_ADMIN, "max_retries": 3, "backoff": 0.05,
          "timeout": (1.0, 3.0), **kw}
    client = Client(app_id=SANDBOX_APP_ID, base_url=sandbox.base_url, **kw)
    if events is not None:
        client.add_observer(events.append)
    return client


def test_wrong_key_or_identifier_is_an_auth_error_not_retried(sandbox):
    events = []
    with make(sandbox, events, secret="not-the-app-key-000000") as client:
        with pytest.raises(AuthError) as info:
            client.call(PROBE, BODY, retry_safe=True)
    assert info.value.code == 70009 and events[-1].attempts == 1
    with make(sandbox, events) as client:  # the right key works
        assert client.call(PROBE, BODY)["ErrorCode"] == 0


def test_sandbox_rate_limit_is_retried_or_avoided(sandbox):
    sandbox.limiter.configure({PROBE: 20})
    try:
        events = []
        with make(sandbox, events, rate_limits=False, backoff=0.1) as unpaced:
            for _ in range(30):
                unpaced.call(PROBE, BODY)  # every call ends well...
        assert any(e.attempts > 1 for e in events)  # ...some only after a 60007 and a retry
        sandbox.limiter.reset()
        events.clear()
        with make(sandbox, events, rate_limits={PROBE: 20}) as paced:
            for _ in range(23):
                paced.call(PROBE, BODY)
        assert [e.attempts for e in events] == [1] * 23  # the client paced itself: no 60007 at all
        sandbox.limiter.reset()
        with make(sandbox, rate_limits=False, max_retries=0) as impatient:
            with pytest.raises(RateLimitedError):
                for _ in range(30):
                    impatient.call(PROBE, BODY)
    finally:
        sandbox.limiter.configure({PROBE: 100})


def test_injected_faults(sandbox):
    events = []
    with make(sandbox, events) as client:
        sandbox.faults.set(http_status=502, endpoints=[PROBE])
        with pytest.raises(TransportError) as info:
            client.call(PROBE, BODY)
        assert info.value.http_status == 502 and events[-1].attempts == 1
        with pytest.raises(TransportError):
            client.call(PROBE, BODY, retry_safe=True)
        assert events[-1].attempts == 4
        sandbox.faults.set(drop=True, endpoints=[PROBE])
        with pytest.raises(TransportError) as info:
            client.call(PROBE, BODY)
        assert info.value.sent and events[-1].attempts == 1
        sandbox.faults.set(error_rate=1.0, error_code=60007, endpoints=[PROBE])
        with pytest.raises(RateLimitedError):
            client.call(PROBE, BODY)
        assert events[-1].attempts == 4
        sandbox.faults.clear()
        assert client.call(PROBE, BODY)["ErrorCode"] == 0
