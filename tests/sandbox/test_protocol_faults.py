"""Fault injection: latency, error answers, HTTP errors, dropped connections, timeouts."""
from __future__ import annotations

import time

import pytest
import requests

from console.sandbox.faults import Faults

CHECK = ("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]})


def test_latency_delays_the_answer(api, sandbox):
    sandbox.faults.set(latency=0.3)
    started = time.monotonic()
    assert api(*CHECK)["ErrorCode"] == 0
    assert time.monotonic() - started >= 0.3


def test_error_rate_answers_the_chosen_code(api, sandbox):
    sandbox.faults.set(error_rate=1.0, error_code=70169)
    answer = api(*CHECK)
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", 70169)


def test_error_rate_is_a_share_of_calls():
    faults = Faults()
    faults.set(error_rate=0.3, seed=42)
    hits = sum(faults.decide("openim/sendmsg").action == "error" for _ in range(2000))
    assert 450 < hits < 750


def test_http_status(api, sandbox):
    sandbox.faults.set(http_status=502)
    assert api.post(*CHECK).status_code == 502
    sandbox.faults.set(http_status=500)
    assert api.post(*CHECK).status_code == 500


def test_drop_closes_the_connection(api, sandbox):
    sandbox.faults.set(drop=True)
    with pytest.raises(requests.ConnectionError):
        api.post(*CHECK)


def test_timeout_outlasts_the_client(api, sandbox):
    sandbox.faults.set(timeout=True, timeout_seconds=1.0)
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{sandbox.base_url}/v4/{CHECK[0]}", params=api.query(), json=CHECK[1], timeout=0.3)


def test_endpoint_filter(api, sandbox):
    sandbox.faults.set(error_rate=1.0, error_code=70500, endpoints=["openim/query_online_status"])
    assert api(*CHECK)["ErrorCode"] == 0
    assert api("openim/query_online_status", {"To_Account": ["a"]})["ErrorCode"] == 70500


def test_control_endpoint_sets_and_reset_clears(api, sandbox):
    answer = requests.post(f"{sandbox.base_url}/sandbox/faults", json={"http_status": 502}, timeout=5).json()
    assert answer["ok"] and answer["faults"]["http_status"] == 502
    assert api.post(*CHECK).status_code == 502
    requests.post(f"{sandbox.base_url}/sandbox/reset", timeout=5)
    assert api(*CHECK)["ErrorCode"] == 0


@pytest.mark.parametrize("options", [{"error_rate": 2}, {"http_status": 404}, {"latency": -1},
                                     {"timeout_seconds": 0}, {"nonsense": 1}])
def test_bad_fault_options_are_refused(options):
    with pytest.raises(ValueError):
        Faults().set(**options)


def test_client_sees_faults_as_transport_errors(tim, sandbox):
    from console.tim.errors import TransportError
    sandbox.faults.set(http_status=500, endpoints=[CHECK[0]])
    with pytest.raises(TransportError):
        tim.call(*CHECK)
