"""Rules you can test: the test box (decision, rule, exact ack), the dry run of an unsaved rule over
stored callbacks, hit counts per rule."""
from __future__ import annotations

import json
import re

import pytest
from events_support import OK, callbacks, stored_events  # noqa: F401

from console.events import trial


def c2c(sender: str, text: str, n: int = 0) -> dict:
    return {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": sender, "To_Account": "john",
            "MsgKey": f"k{n}", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]}


def rule_form(**fields) -> dict:
    return {"name": "r", "scope": "c2c_msg", "match": "words", "pattern": "casino", "action": "deny",
            "error_code": "", "error_info": "", "position": "0", "enabled": "1", **fields}


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


def test_the_test_box_shows_the_deciding_rule_and_the_ack(app, admin):
    admin.post("/rules", data=rule_form(name="no casinos", error_code="120001", error_info="nope"))
    html = admin.post("/rules/test", data={"sample": "best CASINO in town", "scope": "c2c_msg"},
                      htmx=True).get_data(as_text=True)
    assert "denied" in html and "no casinos" in html
    assert '&#34;ErrorCode&#34;: 120001' in html or '"ErrorCode": 120001' in html
    allowed = admin.post("/rules/test", data={"sample": "hello", "scope": "c2c_msg"}, htmx=True)
    assert "no rule matched" in allowed.get_data(as_text=True)
    # a whole callback body, its command from the body
    body = json.dumps({"CallbackCommand": "Group.CallbackBeforeSendMsg", "GroupId": "g",
                       "From_Account": "a", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "casino"}}]})
    html = admin.post("/rules/test", data={"sample": body}, htmx=True).get_data(as_text=True)
    assert "Group.CallbackBeforeSendMsg" in html and "allowed" in html  # the rule is for C2C only
    assert stored_events(app) == []  # nothing stored


@pytest.mark.parametrize("sample", ["{not json", '{"CallbackCommand": "State.StateChange"}', "",
                                    "{" * 100000])
def test_the_test_box_refuses_bad_input(app, admin, sample):
    response = admin.post("/rules/test", data={"sample": sample, "scope": "c2c_msg"})
    assert response.status_code == 400


@pytest.mark.parametrize("scope", ["c2c_msg", "group_msg", "group_create", "group_join", "group_invite",
                                   "friend_request"])
def test_every_scope_has_a_sample(scope):
    command, body = trial.sample_body(scope, "casino")
    assert body["CallbackCommand"] == command


def test_dry_run_over_stored_events(app, admin, callbacks):
    for n, (sender, text) in enumerate([("a", "casino now"), ("b", "CASINO!"), ("a", "casino again"),
                                        ("c", "hello"), ("d", "ｃａｓｉｎｏ")]):
        callbacks.ack("C2C.CallbackBeforeSendMsg", c2c(sender, text, n))
    callbacks.ack("Group.CallbackBeforeSendMsg", {**c2c("e", "casino"), "GroupId": "g",
                                                  "CallbackCommand": "Group.CallbackBeforeSendMsg"})
    html = admin.post("/rules/dry-run", data=rule_form(days="7"), htmx=True).get_data(as_text=True)
    assert "Would have denied 4 callbacks" in html and "from 3 senders" in html
    assert "4 decisions would change" in html
    assert len(re.findall(r'class="dry-run-hit"', html)) == 4
    assert "hello" not in html
    flag = admin.post("/rules/dry-run", data=rule_form(action="flag", pattern="hello"), htmx=True)
    assert "Would have flagged 1 message" in flag.get_data(as_text=True)
    assert stored_events(app)[-1].decision == "allow"  # nothing was saved or changed


def test_dry_run_respects_earlier_rules(app, admin, callbacks):
    admin.post("/rules", data=rule_form(name="first", pattern="now", position="0"))
    callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("a", "casino now", 1))
    callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("b", "casino", 2))
    html = admin.post("/rules/dry-run", data=rule_form(name="second", position="5"), htmx=True).get_data(as_text=True)
    assert "Would have denied 1 callback" in html and "from 1 sender" in html


def test_dry_run_of_an_edit_replaces_the_saved_rule(app, admin, callbacks):
    admin.post("/rules", data=rule_form(name="old", pattern="casino"))
    callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("a", "poker", 1))
    html = admin.post("/rules/dry-run", data=rule_form(pattern="poker", rule_id="1"), htmx=True)
    assert "Would have denied 1 callback" in html.get_data(as_text=True)


@pytest.mark.parametrize("fields", [{"days": "0"}, {"days": "9" * 30}, {"pattern": "(a)\\1", "match": "regex"},
                                    {"scope": "nope"}])
def test_dry_run_refuses_bad_forms(app, admin, fields):
    assert admin.post("/rules/dry-run", data=rule_form(**fields)).status_code == 400


def test_hit_counts_per_rule(app, admin, callbacks):
    admin.post("/rules", data=rule_form(name="counted"))
    for n in range(3):
        callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("a", f"casino {n}", n))
    stored_events(app)
    page = admin.get("/rules").get_data(as_text=True)
    assert re.search(r'class="rule-hits">3 / 3 / 3', page)
    with app.extensions["db_engine"].connect() as conn:
        counts = trial.hits(conn)
        assert counts[1]["month"] == 3
        assert len(trial.last_hits(conn, 1)) == 3
        assert trial.hits(conn, now_ms=counts[1]["last_ms"] + 2 * trial.HOUR)[1]["hour"] == 0


def test_the_test_box_survives_text_that_is_not_valid_unicode(app, admin):
    admin.post("/rules", data=rule_form(action="rewrite"))
    body = '{"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a", "MsgBody": ' \
           '[{"MsgType": "TIMTextElem", "MsgContent": {"Text": "\\ud800 casino"}}]}'
    response = admin.post("/rules/test", data={"sample": body}, htmx=True)
    assert response.status_code == 200 and "? ******" in response.get_data(as_text=True)
