"""Issue #14 item 3: message elements of the wrong shape (from any IM user's custom client) are
shown as "unrecognised element" with their raw JSON on every renderer, never a 500.
The one decision: console.tim.messages.view_body (the `view_body` template filter)."""
from __future__ import annotations

import time

import pytest
from flask import render_template_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.tim import messages as tm
from events_support import callbacks, stored_events  # noqa: F401
from test_rules import C2C_BEFORE, add_rule

#: elements IM relays from a custom client (each wrong in one way), and bodies of the wrong shape
MALFORMED = [
    {"MsgType": "TIMFileElem", "MsgContent": {"Url": "https://x/f", "UUID": "u", "FileSize": "big",
                                              "Download_Flag": 2}},
    {"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u", "ImageFormat": 1,
                                               "ImageInfoArray": {"Type": 1, "URL": "https://x/i"}}},
    {"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u", "ImageFormat": 1, "ImageInfoArray": ["x", 3]}},
    {"MsgType": "TIMTextElem", "MsgContent": {"Text": 12345}},
    {"MsgType": "TIMTextElem", "MsgContent": None},
    {"MsgType": "TIMTextElem"},
    {"MsgType": "TIMSoundElem", "MsgContent": {"Url": "https://x/s", "Second": "long", "Size": 10**30}},
    {"MsgType": "TIMFileElem", "MsgContent": {"Url": "https://x/f", "FileSize": 10**400}},
    {"MsgType": "TIMLocationElem", "MsgContent": {"Desc": ["a"], "Latitude": "north", "Longitude": None}},
    {"MsgType": "TIMRelayElem", "MsgContent": {"Title": 1, "MsgNum": "many", "MsgList": [3, None, {"MsgBody": 5}]}},
    {"MsgType": "TIMFaceElem", "MsgContent": {"Index": "one"}},
    {"MsgType": "TIMCustomElem", "MsgContent": {"Data": {"nested": True}}},
    {"MsgType": 7, "MsgContent": {}},
    {"MsgType": ["TIMTextElem"], "MsgContent": {"Text": "x"}},
    {"MsgType": "TIMBrandNewElem", "MsgContent": {"Anything": [1, 2]}},
    "just a string",
    None,
    42,
    [1, 2],
]
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
                    max_leaves=12)
FIELD_NAMES = st.sampled_from(["Text", "Data", "Desc", "Url", "UUID", "FileSize", "FileName", "ImageInfoArray",
                               "ImageFormat", "Size", "Second", "Latitude", "Longitude", "Index", "Title",
                               "MsgNum", "MsgList", "AbstractList", "VideoUrl", "ThumbUrl", "VideoSecond"])
ELEMENTS = st.fixed_dictionaries({"MsgType": st.sampled_from(list(tm.ELEMENTS) + ["TIMGroupTipElem", "x"]) | JSON,
                                  "MsgContent": st.dictionaries(FIELD_NAMES, JSON, max_size=5) | JSON}) | JSON
BODIES = st.lists(ELEMENTS, max_size=4) | JSON
RENDER = '{% import "_macros/msgbody.html" as mb %}{{ mb.render(body) }}'


@given(BODIES)
def test_view_body_never_raises_and_keeps_only_documented_shapes(body):
    for element in tm.view_body(body):
        assert isinstance(element, dict) and isinstance(element["MsgType"], str)
        if element.get("unrecognised"):
            assert isinstance(element["raw"], str)
        else:
            tm.validate_element(element, strict=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_the_shared_renderer_shows_any_body(app, body):
    with app.test_request_context():
        render_template_string(RENDER, body=body)


def test_each_malformed_element_is_shown_unrecognised_with_its_raw_json(app):
    with app.test_request_context():
        for element in MALFORMED:
            html = render_template_string(RENDER, body=[element, {"MsgType": "TIMTextElem",
                                                                  "MsgContent": {"Text": "still shown"}}])
            assert "Unrecognised element" in html, element
            assert "still shown" in html
        html = render_template_string(RENDER, body=[MALFORMED[0]])
        assert "&#34;FileSize&#34;: &#34;big&#34;" in html or "&quot;FileSize&quot;: &quot;big&quot;" in html


# ---- the pages, against the sandbox over real HTTP -------------------------------------------

@pytest.fixture
def pair(sandbox):
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "bob"]})
    return "alice", "bob"


def _store_c2c(sandbox, body: list, **fields) -> None:
    """A message as IM keeps what a custom client sent: sent through the REST API when IM takes
    it, else stored the way the service stores it."""
    sent = sandbox.invoke("openim/sendmsg", {"From_Account": "alice", "To_Account": "bob",
                                             "MsgRandom": int(time.time_ns() % 10**9),
                                             "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]})
    assert sent["ErrorCode"] == 0
    for message in sandbox.state.messages.values():
        for stored in message:
            if stored["MsgKey"] == sent["MsgKey"]:
                stored.update(MsgBody=body, **fields)


def test_conversation_pages_show_malformed_elements(signed_in, sandbox, pair):
    for element in MALFORMED:
        _store_c2c(sandbox, [element, {"MsgType": "TIMTextElem", "MsgContent": {"Text": "after it"}}])
    _store_c2c(sandbox, {"MsgType": "TIMTextElem", "MsgContent": {"Text": "a body that is one element"}})
    _store_c2c(sandbox, None)
    _store_c2c(sandbox, [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "odd fields"}}],
               MsgRandom="big", CloudCustomData={"not": "text"}, IsPeerRead=[1])
    viewer = signed_in("viewer")
    response = viewer.get("/messages/conversation/page?a=alice&b=bob", headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("Unrecognised element") >= 10 and "after it" in page and "odd fields" in page
    assert viewer.get("/messages/conversation?a=alice&b=bob").status_code == 200


def test_group_history_shows_malformed_elements(signed_in, sandbox, tim):
    tim.account.import_accounts(["alice", "bob"])
    tim.group.create_group("Public", "team", owner="alice", group_id="team", members=["bob"])
    for element in MALFORMED:
        tim.group.send_message("team", "placeholder", sender="alice")
        sandbox.state.groups.get("team").messages[-1].body = [element]
    tim.group.send_message("team", "plain text", sender="bob")
    response = signed_in("viewer").get("/groups/team/messages")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("Unrecognised element") >= 10 and "plain text" in page


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.lists(ELEMENTS, min_size=1, max_size=3))
def test_any_elements_in_a_conversation_render(signed_in, sandbox, pair, body):
    _store_c2c(sandbox, body)
    response = signed_in("viewer").get("/messages/conversation/page?a=alice&b=bob",
                                       headers={"HX-Request": "true"})
    assert response.status_code == 200


@pytest.fixture
def fresh_rules():
    """The rule cache is per process: leave it empty for the next test's app."""
    from console.events import rules

    rules.cache.invalidate()
    yield
    rules.cache.invalidate()


def test_rewrite_rules_mask_text_beside_elements_that_are_not_objects(app, signed_in, callbacks, fresh_rules):
    """A malformed element beside the text does not let the words through: the rewritten
    message keeps the well-formed elements (text masked) and leaves out what no answer can carry."""
    add_rule(signed_in("admin"), name="mask", pattern="cheap", action="rewrite")
    body = {**C2C_BEFORE, "MsgBody": [*C2C_BEFORE["MsgBody"], "cheap", None, 3, ["cheap"],
                                      {"MsgType": "TIMTextElem", "MsgContent": None}]}
    ack = callbacks.ack("C2C.CallbackBeforeSendMsg", body)
    assert ack["ErrorCode"] == 0
    assert ack["MsgBody"][0]["MsgContent"]["Text"] == "buy ***** pills now"
    assert ack["MsgBody"][1:] == C2C_BEFORE["MsgBody"][1:]
    assert stored_events(app)[-1].decision == "rewrite"


@given(BODIES)
def test_body_text_reads_only_well_formed_text(body):
    text = tm.body_text(body, "\n")
    assert isinstance(text, str)
    assert tm.body_text([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "a"}}, *MALFORMED,
                         {"MsgType": "TIMTextElem", "MsgContent": {"Text": "b"}}], "|") == "a|b"
