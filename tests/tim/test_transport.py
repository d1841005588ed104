"""Client.call over real sockets against a tiny scripted HTTP server started by each test.

Covers URL and query building, answers and errors, retries (which failures, how many),
timeouts, the limiter, observers, secrecy and sharing one client across threads.
"""
from __future__ import annotations

import json
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.tim import (AuthError, CallEvent, Client, InvalidArgumentError, NotFoundError, RateLimitedError,
                         TimError, TransportError, usersig)
from console.tim.client import _timeouts

APP, SECRET, ADMIN = 1400000009, "transport-test-secret-0123456789abcdef", "administrator"
OK = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}


def fail(code, info="failed", **extra):
    return {"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info, **extra}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        self.server.record(url.path, parse_qs(url.query, keep_blank_values=True), body, dict(self.headers))
        action = self.server.next_action()
        kind = action[0]
        if kind == "sleep":
            time.sleep(action[1])
            action = ("json", OK)
            kind = "json"
        if kind == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, payload = (action[1], b"<html>bad gateway</html>") if kind == "status" else \
            (200, action[1] if kind == "raw" else json.dumps(action[1]).encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class ScriptedServer(ThreadingHTTPServer):
    """Answers each POST with the next scripted action; OK once the script runs out."""
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.script: list[tuple] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def record(self, path, query, body, headers):
        with self.lock:
            self.requests.append({"path": path, "query": query, "body": body, "headers": headers})

    def next_action(self):
        with self.lock:
            return self.script.pop(0) if self.script else ("json", OK)

    def answer(self, *actions):
        self.script.extend(actions)


    def reset(self):
        with self.lock:
            self.requests.clear()
            self.script.clear()


@pytest.fixture(scope="module")
def _server():
    srv = ScriptedServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def server(_server):
    """The module's scripted server, with no recorded requests and an empty script."""
    _server.reset()
    yield _server
    _server.reset()


def make_client(url, **kw):
    kw = {"max_retries": 2, "backoff": 0.01, "timeout": (1.0, 2.0), "rate_limits": False, **kw}
    return Client(app_id=APP, secret=SECRET, admin=ADMIN, base_url=url, **kw)


@pytest.fixture
def client(server):
    c = make_client(server.url)
    yield c
    c.close()


@pytest.fixture
def events(client):
    seen: list[CallEvent] = []
    client.add_observer(seen.append)
    return seen


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- URL, query, body -----------------------------------------------------------------

def test_url_query_and_body(server, client):
    answer = client.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "张三"}]})
    assert answer == OK
    req = server.requests[0]
    assert req["path"] == "/v4/im_open_login_svc/account_check"
    q = req["query"]
    assert sorted(q) == ["contenttype", "identifier", "random", "sdkappid", "usersig"]
    assert q["sdkappid"] == [str(APP)] and q["identifier"] == [ADMIN] and q["contenttype"] == ["json"]
    assert 0 <= int(q["random"][0]) <= 2 ** 32 - 1
    info = usersig.verify(APP, SECRET, ADMIN, q["usersig"][0])
    assert info.identifier == ADMIN
    assert json.loads(req["body"]) == {"CheckItem": [{"UserID": "张三"}]}
    assert req["headers"]["Content-Type"].startswith("application/json")


def test_empty_body_is_sent_as_an_object_and_randoms_differ(server, client):
    for name in ("v4/openconfigsvr/getappinfo", "/ConfigSvc/GetIPList", "sns/friend_get"):
        client.call(name)
    assert [r["body"] for r in server.requests] == [b"{}"] * 3
    assert [r["path"] for r in server.requests] == ["/v4/openconfigsvr/getappinfo", "/v4/ConfigSvc/GetIPList",
                                                    "/v4/sns/friend_get"]
    assert len({r["query"]["random"][0] for r in server.requests}) == 3
    assert len({r["query"]["usersig"][0] for r in server.requests}) == 1  # cached admin sig


def test_extra_query_parameters(server, client):
    client.call("ConfigSvc/GetIPList", {}, query={"nettype": 5})
    q = server.requests[0]["query"]
    assert q["nettype"] == ["5"] and q["sdkappid"] == [str(APP)] and len(q) == 6
    with pytest.raises(InvalidArgumentError, match="usersig"):
        client.call("ConfigSvc/GetIPList", {}, query={"usersig": "forged"})
    assert len(server.requests) == 1


@pytest.mark.parametrize("endpoint,body", [("account_check", {}), ("a/b/c", {}), ("a/b?x=1", {}),
                                           ("svc/cmd", ["not", "a", "dict"]), ("svc/cmd", {"x": object()})])
def test_bad_arguments_are_refused_before_sending(server, client, events, endpoint, body):
    with pytest.raises(InvalidArgumentError) as info:
        client.call(endpoint, body)
    assert info.value.code == 0 and info.value.info
    assert server.requests == []
    assert events[-1].error is info.value and events[-1].attempts == 0


# ---- answers and errors -------------------------------------------------------------------

def test_error_codes_map_to_classes_and_keep_the_response(server, client):
    server.answer(("json", fail(70107, "UserID not found")), ("json", fail(70005, "sig")),
                  ("json", fail(90001, "json")),
                  ("json", fail(90018, "all failed", ErrorList=[{"To_Account": "x", "ErrorCode": 70107}])))
    with pytest.raises(NotFoundError) as nf:
        client.call("openim/query_online_status", {"To_Account": ["ghost"]})
    assert (nf.value.code, nf.value.info, nf.value.endpoint) == (70107, "UserID not found",
                                                                 "openim/query_online_status")
    with pytest.raises(AuthError):
        client.call("a/b")
    with pytest.raises(TimError) as plain:
        client.call("a/b")
    assert type(plain.value) is TimError and plain.value.code == 90001
    with pytest.raises(TimError) as batch:
        client.call("openim/batchsendmsg", {"To_Account": ["x"]})
    assert batch.value.response["ErrorList"] == [{"To_Account": "x", "ErrorCode": 70107}]
    assert len(server.requests) == 4  # none of these is retried


def test_partial_success_is_returned_not_raised(server, client):
    server.answer(("json", {"ActionStatus": "SomeError", "ErrorCode": 0, "ErrorInfo": "",
                            "ErrorList": [{"To_Account": "x", "ErrorCode": 70107}]}))
    answer = client.call("openim/batchsendmsg", {"To_Account": ["x", "y"]})
    assert answer["ErrorList"][0]["ErrorCode"] == 70107


def test_envelope_members_are_optional_and_fail_without_code_is_an_error(server, client):
    server.answer(("json", {"C2CmsgNospeakingTime": 0}), ("json", {"ActionStatus": "FAIL"}),
                  ("json", {"ErrorCode": "60003", "ErrorInfo": "json"}))
    assert client.call("openconfigsvr/getnospeaking", {"Get_Account": "a"}) == {"C2CmsgNospeakingTime": 0}
    with pytest.raises(TimError) as info:
        client.call("a/b")
    assert info.value.code == -2
    with pytest.raises(TimError) as info:
        client.call("a/b")
    assert info.value.code == 60003


@pytest.mark.parametrize("action,text", [(("status", 404), "HTTP 404"), (("raw", b"not json"), "not JSON"),
                                         (("raw", b"[1, 2]"), "not a JSON object")])
def test_bad_http_answers_are_transport_errors_and_not_retried(server, client, action, text):
    server.answer(action)
    with pytest.raises(TransportError) as info:
        client.call("a/b", retry_safe=True)
    assert info.value.code == -1 and text in str(info.value)
    assert len(server.requests) == 1


# ---- retries -------------------------------------------------------------------------------

@pytest.mark.parametrize("code", [60007, 60011, 60018, 60019])
def test_rate_limit_answers_are_retried_even_for_unsafe_calls(server, client, events, code):
    server.answer(("json", fail(code)), ("json", fail(code)))
    assert client.call("openim/sendmsg", {"x": 1}) == OK
    assert len(server.requests) == 3 and events[-1].attempts == 3 and events[-1].error is None


def test_rate_limit_gives_up_after_max_retries(server, client, events):
    server.answer(*[("json", fail(60007))] * 5)
    with pytest.raises(RateLimitedError) as info:
        client.call("openim/sendmsg", {"x": 1})
    assert info.value.code == 60007
    assert len(server.requests) == 3 and events[-1].attempts == 3 and events[-1].error is info.value
    assert events[-1].response["ErrorCode"] == 60007


@pytest.mark.parametrize("code", [70169, 70202, 60008])
def test_internal_timeouts_are_retried_only_when_safe(server, client, code):
    server.answer(("json", fail(code)), ("json", fail(code)))
    with pytest.raises(TimError):
        client.call("openim/sendmsg", {"x": 1})
    assert len(server.requests) == 1
    assert client.call("openim/querystate", {"x": 1}, retry_safe=True) == OK
    assert len(server.requests) == 3


def test_gateway_errors_are_retried_only_when_safe(server, client):
    server.answer(("status", 502), ("status", 503))
    with pytest.raises(TransportError) as info:
        client.call("a/b")
    assert info.value.http_status == 502 and len(server.requests) == 1
    assert client.call("a/b", retry_safe=True) == OK
    assert len(server.requests) == 3


def test_read_timeout_is_not_retried_on_unsafe_calls(server):
    c = make_client(server.url, timeout=(1.0, 0.15))
    seen = []
    c.add_observer(seen.append)
    server.answer(("sleep", 0.4), ("sleep", 0.4), ("sleep", 0.4))
    with pytest.raises(TransportError) as info:
        c.call("openim/sendmsg", {"x": 1})
    assert "read timeout" in info.value.info and info.value.sent
    assert len(server.requests) == 1 and seen[-1].attempts == 1
    # safe to repeat: two more timeouts, then the server answers in time
    assert c.call("openim/querystate", {}, retry_safe=True) == OK
    assert len(server.requests) == 4 and seen[-1].attempts == 3
    c.close()


def test_connection_refused_is_retried_even_for_unsafe_calls():
    c = make_client(f"http://127.0.0.1:{closed_port()}", max_retries=3)
    seen = []
    c.add_observer(seen.append)
    with pytest.raises(TransportError) as info:
        c.call("openim/sendmsg", {"x": 1})
    assert info.value.sent is False and "connection failed" in info.value.info
    assert seen[-1].attempts == 4


def test_dropped_connection_is_retried_only_when_safe(server, client):
    server.answer(("close",), ("close",))
    with pytest.raises(TransportError) as info:
        client.call("openim/sendmsg", {"x": 1})
    assert info.value.sent and len(server.requests) == 1
    assert client.call("openim/querystate", {}, retry_safe=True) == OK


def test_expired_admin_sig_is_renewed_once(server, client, events):
    server.answer(("json", fail(70001, "expired")), ("json", fail(70001, "expired")))
    with pytest.raises(AuthError):
        client.call("a/b")
    assert len(server.requests) == 2 and events[-1].attempts == 2


def test_backoff_grows_exponentially_with_jitter(client):
    c = make_client("http://127.0.0.1:9", backoff=0.5, backoff_max=3.0)
    for attempt, cap in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0)]:
        delays = [c._delay(attempt) for _ in range(200)]
        assert all(cap / 2 <= d <= cap for d in delays)
        assert max(delays) - min(delays) > cap / 10  # jittered, not fixed


# ---- observers and secrecy ---------------------------------------------------------------------

def test_observers_see_every_call_redacted(server, client, events):
    body = {"From_Account": "a", "Meta": {"UserSig": "abc", "list": [{"token": "t", "ok": 1}]}}
    server.answer(("json", {**OK, "MsgKey": "k"}), ("json", fail(70107)))
    client.call("openim/sendmsg", body, operation="c2c.send_msg")
    with pytest.raises(NotFoundError):
        client.call("openim/sendmsg", body)
    ok, bad = events
    assert (ok.endpoint, ok.operation, ok.attempts, ok.error, ok.ok) == ("openim/sendmsg", "c2c.send_msg", 1, None, True)
    assert ok.request == {"From_Account": "a", "Meta": {"UserSig": "***", "list": [{"token": "***", "ok": 1}]}}
    assert body["Meta"]["UserSig"] == "abc"  # the caller's dict is untouched
    assert ok.response["MsgKey"] == "k" and ok.duration > 0
    assert ok.request_id == server.requests[0]["query"]["random"][0]
    assert bad.code == 70107 and isinstance(bad.error, NotFoundError) and bad.response["ErrorCode"] == 70107


def test_a_failing_observer_does_not_break_the_call(server, client, events, caplog):
    def broken(event):
        raise RuntimeError("observer bug")
    client.add_observer(broken)
    with caplog.at_level(logging.ERROR, logger="console.tim"):
        assert client.call("a/b") == OK
    assert len(events) == 1 and "observer" in caplog.text
    client.remove_observer(broken)
    client.call("a/b")
    assert len(events) == 2


def test_no_secret_or_usersig_in_errors_reprs_or_logs(server, caplog):
    c = make_client(f"http://127.0.0.1:{closed_port()}", max_retries=1)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(TransportError) as info:
            c.call("a/b")
    sig = c._sigs.get()
    for text in (str(info.value), repr(info.value), repr(c), caplog.text):
        assert SECRET not in text and sig not in text
    c2 = make_client(server.url)
    server.answer(("json", fail(70003, f"bad sig usersig={sig}")))
    with pytest.raises(AuthError) as info:
        c2.call("a/b")
    assert sig not in str(info.value)


# ---- configuration ---------------------------------------------------------------------------

def test_regions_and_base_url():
    def base(**kw):
        return Client(app_id=APP, secret=SECRET, **kw).base_url
    assert base(region="singapore") == base(region="SGP") == "https://adminapisgp.im.qcloud.com"
    assert base(region="Seoul") == base(region="korea") == "https://adminapikr.im.qcloud.com"
    assert base(region="china") == "https://console.tim.qq.com"
    assert base(region="china", backup_domain=True) == "https://adminapi.my-imcloud.com"
    assert base(region="Silicon Valley") == "https://adminapiusa.im.qcloud.com"
    assert base(base_url="http://127.0.0.1:9300/") == "http://127.0.0.1:9300"
    with pytest.raises(ValueError, match="unknown IM region 'mars'.*singapore"):
        Client(app_id=APP, secret=SECRET, region="mars")
    with pytest.raises(ValueError):
        Client(app_id=APP, secret=SECRET)
    with pytest.raises(ValueError):
        Client(app_id=APP, secret=SECRET, region="china", base_url="http://x")
    with pytest.raises(ValueError):
        Client(app_id=APP, secret=SECRET, region="china", push_api="v3")


def test_defaults_and_timeouts():
    c = Client(app_id=APP, secret=SECRET, region="germany")
    assert c.timeout == (5.0, 10.0) and c.timeout[1] > 3
    assert c.push_api == "timpush" and c.max_retries == 3 and c._session.verify is True
    assert c.limiter is not None and c.limiter.rate_for("im_open_login_svc/multiaccount_import") == 100
    assert _timeouts(2) == (2.0, 2.0) and _timeouts((0.5, 7)) == (0.5, 7.0)
    from console.tim.api import NAMESPACES
    for name, cls in NAMESPACES.items():
        assert isinstance(getattr(c, name), cls)


# ---- limiter and threads --------------------------------------------------------------------

def test_limiter_paces_calls_over_real_sockets(server):
    c = make_client(server.url, rate_limits={"svc/slow": 20})
    started = time.monotonic()
    for _ in range(8):
        c.call("svc/slow")
    elapsed = time.monotonic() - started
    # burst of one token, then 19 per second: 7 waits of ~52 ms at the very least
    assert elapsed >= 7 / 19 * 0.9
    assert len(server.requests) == 8


def test_one_client_shared_by_many_threads(server):
    c = make_client(server.url, rate_limits={"default": 0}, pool_size=8)
    seen = []
    c.add_observer(seen.append)

    def work(i):
        return c.call("svc/cmd", {"i": i}, operation="t.work")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(120)))
    assert results == [OK] * 120
    assert sorted(json.loads(r["body"])["i"] for r in server.requests) == list(range(120))
    assert len(seen) == 120 and all(e.error is None and e.attempts == 1 for e in seen)
    sigs = {r["query"]["usersig"][0] for r in server.requests}
    assert len(sigs) == 1 and usersig.verify(APP, SECRET, ADMIN, sigs.pop())


# ---- answers of an unexpected shape ------------------------------------------------------------

#: read methods and an answer of the shape IM documents for each
SHAPED_ANSWERS = [
    (lambda c: c.group.fetch_banned_members("@TGS#g1"),
     {"BannedAccountList": [{"Member_Account": "alice", "BannedUntil": 1767225600}], "NextOffset": 0}),
    (lambda c: c.group.fetch_group_ids(),
     {"TotalCount": 1, "GroupIdList": [{"GroupId": "@TGS#g1"}], "Next": 0}),
    (lambda c: c.group.fetch_members("@TGS#g1"),
     {"MemberNum": 1, "MemberList": [{"Member_Account": "alice", "Role": "Owner", "JoinTime": 1700000000,
                                      "MsgSeq": 3, "MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 1700000001,
                                      "ShutUpUntil": 0, "NameCard": "A"}], "Next": ""}),
    (lambda c: c.sns.fetch_friends("alice"),
     {"UserDataItem": [{"To_Account": "bob", "ValueItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "B"}]}],
      "StandardSequence": 1, "CustomSequence": 0, "FriendNum": 1, "CompleteFlag": 1, "NextStartIndex": 0}),
    (lambda c: c.profile.get_profile("alice"),
     {"UserProfileItem": [{"To_Account": "alice", "ResultCode": 0,
                           "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}]}]}),
    (lambda c: list(c.group.iter_banned_members("@TGS#g1")),
     {"BannedAccountList": [{"Member_Account": "alice", "BannedUntil": 1767225600}], "NextOffset": 0}),
]

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    """Every place in a JSON value: the paths of its dict values and list items."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replaced(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_answer_of_any_shape_is_a_value_or_a_tim_error(server, client, data):
    """A field of IM's answer replaced by any JSON value: the method returns or raises a TimError
    (which every page shows as an IM error), never a TypeError or ValueError of its own."""
    read, answer = data.draw(st.sampled_from(SHAPED_ANSWERS))
    path = data.draw(st.sampled_from([p for p in _paths(answer) if p]))
    broken = _replaced(answer, path, data.draw(_json_values))
    server.answer(("json", {**OK, **broken}))
    try:
        read(client)
    except TimError:
        pass


def test_a_malformed_field_names_the_endpoint_and_keeps_the_answer(server, client, events):
    from console.tim import MalformedResponseError

    answer = {**OK, "BannedAccountList": [{"Member_Account": "alice", "BannedUntil": "soon"}], "NextOffset": 0}
    server.answer(("json", answer))
    with pytest.raises(MalformedResponseError) as caught:
        client.group.fetch_banned_members("@TGS#g1")
    assert caught.value.endpoint == "group_open_http_svc/get_group_ban_member"
    assert caught.value.response["BannedAccountList"][0]["BannedUntil"] == "soon"
    assert "unexpected shape" in caught.value.info
    (event,) = events  # the call happened once, and succeeded: reading its answer failed
    assert event.error is None
    # arguments are still refused before any call, as they were
    with pytest.raises(InvalidArgumentError):
        client.group.fetch_banned_members("@TGS#g1", limit=0)
    assert len(events) == 1
