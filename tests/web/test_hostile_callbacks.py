"""Issue #14 item 8: the callback endpoint's edges. Repeated query keys resolve by their first
value (SdkAppid and Sign alike); a body shorter than its Content-Length is refused and not
stored; a charset other than UTF-8 (or a UTF-16/UTF-32 body) is refused with 415."""
from __future__ import annotations

import io
import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder, run_wsgi_app

from console.tim.callbacks import sign
from events_support import Callbacks, callbacks, stored_events  # noqa: F401

LOGIN = {"CallbackCommand": "State.StateChange", "EventTime": 1700000000000,
         "Info": {"Action": "Login", "To_Account": "alice", "Reason": "Register"}}


def _post(app, query: str, body: bytes, content_type: str = "application/json"):
    return app.test_client().post("/callback?" + query, data=body, content_type=content_type)


def _signed(app, *, first: dict, then: dict, quoted: bool = False) -> str:
    """A callback query whose keys in `then` repeat (after) the ones in `first`."""
    parts = [f"{k}={v}" for k, v in first.items()] + ["CallbackCommand=State.StateChange",
                                                      "contenttype=json"]
    parts += [f"{k}={v}" for k, v in then.items()]
    if quoted:  # the other parsing path: something in the query is %-quoted
        parts.append("ClientIP=203.0.113.7%20")
    return "&".join(parts)


def test_repeated_query_keys_count_by_their_first_value(app):
    ours, foreign = app.config["TIM_APP_ID"], "1400099999"
    token = app.config["TIM_CALLBACK_TOKEN"]
    now = int(time.time())
    good = {"Sign": sign(token, now), "RequestTime": str(now)}
    bad = {"Sign": "0" * 64, "RequestTime": str(now)}
    body = json.dumps(LOGIN).encode()
    for quoted in (False, True):
        cases = [
            ({"SdkAppid": ours, **good}, {"SdkAppid": foreign}, 200),
            ({"SdkAppid": foreign, **good}, {"SdkAppid": ours}, 403),
            ({"SdkAppid": ours, **good}, {"Sign": bad["Sign"]}, 200),
            ({"SdkAppid": ours, **bad}, {"Sign": good["Sign"]}, 401),
            ({"SdkAppid": ours, **good}, {"RequestTime": str(now - 3600)}, 200),
            ({"SdkAppid": ours, "Sign": good["Sign"], "RequestTime": str(now - 3600)},
             {"RequestTime": str(now)}, 401),
        ]
        for first, then, status in cases:
            response = _post(app, _signed(app, first=first, then=then, quoted=quoted), body)
            assert response.status_code == status, (first, then, quoted)


def _raw_call(app, body: bytes, content_length: int, query: str):
    environ = EnvironBuilder(path="/callback", query_string=query, method="POST",
                             content_type="application/json").get_environ()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(content_length)
    app_iter, status, _headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter)


def test_a_body_shorter_than_its_content_length_is_refused_and_not_stored(app, callbacks):
    body = json.dumps(LOGIN).encode()
    for missing in (1, 10, len(body) - 1, len(body)):
        status, answer = _raw_call(app, body[: len(body) - missing], len(body),
                                   callbacks.query("State.StateChange"))
        assert status == 400, missing
        assert json.loads(answer)["ActionStatus"] == "FAIL"
    assert stored_events(app) == []
    status, _answer = _raw_call(app, body, len(body), callbacks.query("State.StateChange"))
    assert status == 200 and len(stored_events(app)) == 1


def test_other_charsets_and_encodings_are_refused_with_415(app, callbacks):
    text = json.dumps({**LOGIN, "Info": {**LOGIN["Info"], "To_Account": "用户"}}, ensure_ascii=False)
    query = callbacks.query("State.StateChange")
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"):
        assert _post(app, query, text.encode(encoding)).status_code == 415, encoding
        assert _post(app, query, text.encode(encoding),
                     f"application/json; charset={encoding}").status_code == 415
    for charset in ("latin-1", "gbk", "GB18030", "iso-8859-1", "UTF-16", "shift_jis"):
        response = _post(app, query, text.encode("utf-8"), f"application/json; charset={charset}")
        assert response.status_code == 415, charset
    assert _post(app, query, b'{"a": "\xed\xa0\x80"}').status_code == 415  # an encoded surrogate
    assert _post(app, query, b'{"a": "\xff"}').status_code == 415
    assert stored_events(app) == []
    for charset in ("utf-8", "UTF-8", "utf8", '"utf-8"'):
        response = _post(app, query, text.encode("utf-8"), f"application/json; charset={charset}")
        assert response.status_code == 200, charset
    assert {row.payload for row in stored_events(app)} == {text}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.binary(max_size=200) | st.text(max_size=60).map(lambda t: json.dumps({"x": t}).encode()))
def test_any_body_is_stored_clean_or_refused_never_a_5xx(app, body):
    callbacks = Callbacks(app)
    before = len(stored_events(app))
    response = callbacks.post("State.StateChange", body)
    assert response.status_code in (200, 400, 415), body
    rows = stored_events(app)
    if response.status_code == 200:
        rows[-1].payload.encode("utf-8")
        assert "\x00" not in rows[-1].payload
    else:
        assert len(rows) == before
