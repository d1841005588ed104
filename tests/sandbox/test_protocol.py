"""The REST protocol as the sandbox speaks it: URL, query, UserSig, admin, body, envelope, limits."""
from __future__ import annotations

import base64
import json
import time
import zlib

import pytest
from testenv import NEEDS_SHARED
import requests
import TLSSigAPIv2

from console.tim import usersig


def test_answer_is_the_envelope_over_http_200(api):
    response = api.post("im_open_login_svc/account_import", {"UserID": "alice"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}


def test_body_is_read_whatever_the_content_type(api, sandbox):
    answer = api.post("im_open_login_svc/account_import", raw=b'{"UserID": "bob"}',
                      headers={"Content-Type": "text/plain"}).json()
    assert answer["ErrorCode"] == 0
    assert sandbox.state.account_exists("bob")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_are_an_http_parse_error(api, sandbox, method):
    response = requests.request(method, f"{sandbox.base_url}/v4/im_open_login_svc/account_import",
                                params=api.query(), timeout=5)
    assert response.status_code == 200
    assert response.json()["ErrorCode"] == 60002


@pytest.mark.parametrize("path", ["/v3/openim/sendmsg", "/v4/openim", "/v4/openim/sendmsg/extra", "/"])
def test_malformed_paths_are_an_http_parse_error(api, sandbox, path):
    response = requests.post(f"{sandbox.base_url}{path}", params=api.query(), data="{}", timeout=5)
    assert response.json()["ErrorCode"] == 60002


def test_unknown_command(api):
    answer = api("openim/no_such_command", {})
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", 60009)


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b'"text"'])
def test_body_must_be_a_json_object(api, raw):
    assert api.post("im_open_login_svc/account_check", raw=raw).json()["ErrorCode"] == 60003


@pytest.mark.parametrize("endpoint, code", [("openim/sendmsg", 90001), ("timpush/get_tag", 90001),
                                            ("openconfigsvr/getnospeaking", 130001), ("profile/portrait_get", 40001),
                                            ("sns/friend_get", 60003)])
def test_services_with_their_own_parse_error_code(api, endpoint, code):
    assert api.post(endpoint, raw=b"{oops").json()["ErrorCode"] == code


@pytest.mark.parametrize("overrides, code", [
    ({"sdkappid": None}, 60012),
    ({"sdkappid": "abc"}, 60006),
    ({"sdkappid": "1400999999"}, 70020),
    ({"identifier": None}, 60004),
    ({"usersig": None}, 60005),
])
def test_query_parameters_are_checked(api, overrides, code):
    assert api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]}, **overrides)["ErrorCode"] == code


def test_usersig_from_the_official_generator_is_accepted(api, app_key):
    SANDBOX_APP_ID, SANDBOX_SECRET, SANDBOX_ADMIN = app_key
    sig = TLSSigAPIv2.TLSSigAPIv2(SANDBOX_APP_ID, SANDBOX_SECRET).gen_sig(SANDBOX_ADMIN)
    assert api("im_open_login_svc/account_import", {"UserID": "carol"}, usersig=sig)["ErrorCode"] == 0


def _sig_doc(sig: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(sig.translate(str.maketrans("*-_", "+/=")))))


def _pack(doc: dict) -> str:
    raw = base64.b64encode(zlib.compress(json.dumps(doc).encode())).decode()
    return raw.translate(str.maketrans("+/=", "*-_"))


def test_bad_usersigs_get_their_codes(api, app_key):
    SANDBOX_APP_ID, SANDBOX_SECRET, SANDBOX_ADMIN = app_key
    good = usersig.generate(SANDBOX_APP_ID, SANDBOX_SECRET, SANDBOX_ADMIN)
    tampered = _sig_doc(good)
    tampered["TLS.expire"] += 1  # signature no longer matches
    cases = {
        70001: usersig.generate(SANDBOX_APP_ID, SANDBOX_SECRET, SANDBOX_ADMIN, expire=10, now=time.time() - 100),
        70003: good[: len(good) // 2],
        70009: usersig.generate(SANDBOX_APP_ID, "another-apps-key", SANDBOX_ADMIN),
        70013: usersig.generate(SANDBOX_APP_ID, SANDBOX_SECRET, "someone_else"),
        70014: usersig.generate(1400000002, SANDBOX_SECRET, SANDBOX_ADMIN),
    }
    for code, sig in cases.items():
        assert api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]},
                   usersig=sig)["ErrorCode"] == code, code
    assert api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]},
               usersig=_pack(tampered))["ErrorCode"] == 70009


@pytest.mark.parametrize("endpoint, code", [
    ("im_open_login_svc/account_check", 70403),
    ("profile/portrait_get", 40004),
    ("sns/friend_get", 30004),
    ("openim/sendmsg", 90009),
    ("recentcontact/get_list", 50003),
    ("ConfigSvc/GetIPList", 60010),
])
def test_identifier_must_be_an_app_admin(api, users, app_key, endpoint, code):
    SANDBOX_APP_ID, SANDBOX_SECRET, _ = app_key
    users("mallory")
    sig = TLSSigAPIv2.TLSSigAPIv2(SANDBOX_APP_ID, SANDBOX_SECRET).gen_sig("mallory")
    assert api(endpoint, {}, identifier="mallory", usersig=sig)["ErrorCode"] == code


def test_error_display_only_where_documented(api, users):
    users("dan")
    with_display = api("profile/portrait_get", {"To_Account": ["dan"], "TagList": ["Tag_Profile_IM_Nick"]})
    assert with_display["ErrorDisplay"] == ""
    assert "ErrorDisplay" not in api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "dan"}]})


def test_documented_envelope_quirks(api, users):
    users("erin")
    assert "ActionStatus" not in api("openconfigsvr/getnospeaking", {"Get_Account": "erin"})
    ips = api("ConfigSvc/GetIPList", {})
    assert "ErrorInfo" not in ips and ips["ActionStatus"] == "OK"


def test_rate_limit_answers_60007_and_refills(api, sandbox):
    sandbox.limiter.configure({"im_open_login_svc/account_check": 3})
    try:
        codes = [api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "x"}]})["ErrorCode"]
                 for _ in range(6)]
        assert codes[:3] == [0, 0, 0] and 60007 in codes[3:]
        sandbox.reset()  # refills the buckets
        assert api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "x"}]})["ErrorCode"] == 0
    finally:
        sandbox.limiter.configure({"im_open_login_svc/account_check": None})
        sandbox.limiter.overrides.pop("im_open_login_svc/account_check")


def test_batch_send_counts_recipients_per_minute(sandbox):
    from console.sandbox.ratelimit import RateLimiter
    limiter = RateLimiter()
    # 24 calls of 500 recipients use the 12000 messages of the minute, far below 200 calls/s
    assert all(limiter.allow("openim/batchsendmsg", 200, 12000, units=500) for _ in range(24))
    assert not limiter.allow("openim/batchsendmsg", 200, 12000, units=500)
    assert limiter.allow("openim/sendmsg", 200)


def test_invoke_runs_the_handler_in_process(sandbox):
    assert sandbox.invoke("im_open_login_svc/account_import", {"UserID": "frank"})["ErrorCode"] == 0
    assert sandbox.state.account_exists("frank")
    assert sandbox.invoke("no/such", {})["ErrorCode"] == 60009
    assert sandbox.invoke("im_open_login_svc/kick", {"UserID": "nobody"})["ErrorCode"] == 70107


def test_control_endpoints(sandbox, api, users):
    users("gina")
    health = requests.get(f"{sandbox.base_url}/sandbox/health", timeout=5).json()
    assert health["status"] == "ok" and health["accounts"] == 2  # gina and the App admin
    assert requests.post(f"{sandbox.base_url}/sandbox/reset", timeout=5).json() == {"ok": True}
    assert not sandbox.state.account_exists("gina")
    bad = requests.post(f"{sandbox.base_url}/sandbox/faults", json={"error_rate": 3}, timeout=5)
    assert bad.status_code == 400


def test_no_secret_in_repr(sandbox, app_key):
    assert app_key[1] not in repr(sandbox)


def test_kick_invalidates_earlier_usersigs_of_that_identifier(api, sandbox, app_key):
    app_id, secret, admin = app_key
    old = usersig.generate(app_id, secret, admin, now=time.time() - 60)
    sandbox.invoke("im_open_login_svc/account_import", {"UserID": admin})
    assert api("im_open_login_svc/kick", {"UserID": admin}, usersig=old)["ErrorCode"] == 0
    assert api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]}, usersig=old)["ErrorCode"] == 70001
    fresh = usersig.generate(app_id, secret, admin, now=time.time() + 1)
    assert api("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]}, usersig=fresh)["ErrorCode"] == 0


def test_documented_default_rates():
    from console.sandbox.registry import REGISTRY
    expected = {"im_open_login_svc/account_import": 200, "im_open_login_svc/multiaccount_import": 100,
                "im_open_login_svc/account_check": 100, "openim/sendmsg": 200, "openim/query_online_status": 200,
                "profile/portrait_get": 200, "sns/black_list_get": 200, "all_member_push/im_set_attr": 100,
                "timpush/add_tag": 100, "open_msg_svc/get_history": 10}
    assert {name: REGISTRY[name].rate for name in expected} == expected
    assert REGISTRY["openim/batchsendmsg"].per_minute == 12000


def test_every_seed_endpoint_and_the_current_push_service_is_served():
    import os
    from console.sandbox.registry import REGISTRY
    seed = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "spec", "seed-endpoints.txt")
    if not os.path.exists(seed):
        pytest.skip(NEEDS_SHARED)
    with open(seed, encoding="utf-8") as fh:
        names = {line.strip() for line in fh if line.strip()}
    names |= {f"timpush/{c}" for c in ("push", "batch", "revoke", "set_attr_name", "get_attr_name", "get_attr",
                                       "set_attr", "remove_attr", "get_tag", "add_tag", "remove_tag",
                                       "clear_all_tags")}
    assert names - set(REGISTRY) == set()


def test_a_handler_crash_is_an_internal_error_answer(api, sandbox, monkeypatch):
    from console.sandbox.registry import REGISTRY

    def broken(ctx, body):
        raise KeyError("bug")
    monkeypatch.setattr(REGISTRY["im_open_login_svc/account_check"], "handler", broken)
    response = api.post(*("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "a"}]}))
    assert response.status_code == 200 and response.json()["ErrorCode"] == 70500
    assert sandbox.invoke("im_open_login_svc/account_check", ["not", "an", "object"])["ErrorCode"] == 60003


def test_a_chunked_body_is_read_like_a_sized_one(api, sandbox):
    chunks = iter([b'{"UserID": ', b'"chunky"}'])  # a generator body: requests sends it chunked
    response = requests.post(f"{sandbox.base_url}/v4/im_open_login_svc/account_import",
                             params=api.query(), data=chunks, timeout=5)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.json()["ErrorCode"] == 0 and sandbox.state.account_exists("chunky")


def test_one_connection_carries_many_requests(api, sandbox):
    """HTTP/1.1 keep-alive: the answers are sized, so a client reuses its connection."""
    import http.client
    from urllib.parse import urlencode, urlsplit
    url = urlsplit(sandbox.base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        for name in ("kept1", "kept2", "kept3"):
            conn.request("POST", f"/v4/im_open_login_svc/account_import?{urlencode(api.query())}",
                         body=json.dumps({"UserID": name}))
            answer = conn.getresponse()
            assert answer.getheader("Content-Length") and json.loads(answer.read())["ErrorCode"] == 0
        conn.request("POST", "/v4/im_open_login_svc/account_import", body=b"{}",
                     headers={"Content-Length": "-3"})
        assert conn.getresponse().status == 400
    finally:
        conn.close()
    assert all(sandbox.state.account_exists(n) for n in ("kept1", "kept2", "kept3"))
