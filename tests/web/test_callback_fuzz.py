"""Whatever arrives at /callback, the answer is JSON and never a 5xx."""
from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from events_support import Callbacks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.tim.callbacks import COMMANDS, sign

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children,
                                                                       max_size=5),
    max_leaves=25)
known_keys = st.sampled_from(["From_Account", "To_Account", "GroupId", "MsgBody", "EventTime", "Info",
                              "FriendItem", "DestinationMembers", "NewMemberList", "Events",
                              "CallbackCommand", "Requestor_Account", "Name", "MsgKey"])
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(known_keys | st.text(max_size=10), json_values, max_size=8)
    .map(lambda d: json.dumps(d).encode()),
)
commands = st.sampled_from(sorted(COMMANDS)) | st.text(max_size=40)


@st.composite
def queries(draw, app_id: str, token: str):
    query = {}
    if draw(st.booleans()):
        query["SdkAppid"] = draw(st.just(app_id) | st.text(max_size=12))
    if draw(st.booleans()):
        query["CallbackCommand"] = draw(commands)
    signing = draw(st.sampled_from(["valid", "random", "none"]))
    if signing == "valid":
        at = int(time.time()) + draw(st.integers(-30, 30))
        query.update(Sign=sign(token, at), RequestTime=str(at))
    elif signing == "random":
        query.update(Sign=draw(st.text(max_size=70)), RequestTime=draw(st.text(max_size=12)))
    extra = draw(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3))
    return urlencode({**extra, **query})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_random_queries_and_bodies_never_yield_a_5xx(app, data):
    cb = Callbacks(app)
    query = data.draw(queries(str(cb.app_id), cb.token))
    body = data.draw(bodies)
    content_type = data.draw(st.sampled_from(["application/json", "text/plain", ""]))
    response = cb.client.post("/callback?" + query, data=body, content_type=content_type or None)
    assert response.status_code < 500, (query, body, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    answer = response.get_json()
    assert answer["ActionStatus"] in ("OK", "FAIL")
    if response.status_code == 200:
        assert isinstance(answer["ErrorCode"], int)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(command=st.sampled_from(sorted(COMMANDS)),
       body=st.dictionaries(known_keys | st.text(max_size=10), json_values, max_size=8))
def test_every_signed_object_body_is_stored_and_acked(app, command, body):
    response = Callbacks(app).post(command, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["ActionStatus"] == "OK"
