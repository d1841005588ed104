"""Moderation rules: the admin page (audited) and what before-callbacks are answered."""
from __future__ import annotations

import json

import pytest
from events_support import OK, audit_actions, callbacks, stored_events  # noqa: F401

from console.models.events import Rule

C2C_BEFORE = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared",
              "To_Account": "john", "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 1717000000,
              "MsgKey": "1_2_1717000000",
              "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "buy Cheap pills now"}},
                          {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 1, "Data": "cheap"}}]}
GROUP_BEFORE = {"CallbackCommand": "Group.CallbackBeforeSendMsg", "GroupId": "@TGS#1", "Type": "Public",
                "From_Account": "spammer", "Operator_Account": "spammer", "Random": 7,
                "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello all"}}]}


def add_rule(browser, **fields):
    form = {"name": "r", "scope": "c2c_msg", "match": "words", "pattern": "x", "action": "deny",
            "error_code": "", "error_info": "", "position": "0", "enabled": "1", **fields}
    return browser.post("/rules", data=form)


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


def test_rules_page_is_for_admins_only(app, signed_in):
    assert signed_in("admin").get("/rules").status_code == 200
    operator = signed_in("operator")
    assert operator.get("/rules").status_code == 403
    assert add_rule(operator).status_code == 403


def test_default_is_allow(callbacks):
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", C2C_BEFORE) == OK


def test_deny_with_a_code_in_range_is_answered_stored_and_shown(app, admin, callbacks):
    response = add_rule(admin, name="no spam", pattern="cheap pills\nviagra", error_code="120001",
                        error_info="contains banned words")
    assert response.status_code == 302
    ack = callbacks.ack("C2C.CallbackBeforeSendMsg", C2C_BEFORE)
    assert ack == {"ActionStatus": "OK", "ErrorCode": 120001, "ErrorInfo": "contains banned words"}
    (row,) = stored_events(app)
    assert row.decision == "deny" and row.rule_name == "no spam" and json.loads(row.ack) == ack
    page = admin.get("/events").get_data(as_text=True)
    assert "denied" in page and 'title="no spam"' in page

    (entry,) = audit_actions(app, "rules.create")
    assert entry.outcome == "ok" and entry.operator_name == "admin"
    assert entry.detail["changes"]["error_code"] == [None, 120001]


def test_code_outside_the_documented_range_is_refused_and_audited(app, admin):
    response = add_rule(admin, error_code="20006")
    assert response.status_code == 400
    assert "120001" in response.get_data(as_text=True)
    with app.app_context():
        from console import db

        assert db.session.query(Rule).count() == 0
    (entry,) = audit_actions(app, "rules.create")
    assert entry.outcome == "failed"


def test_invalid_regex_is_refused(admin):
    assert add_rule(admin, match="regex", pattern="([unclosed").status_code == 400


def test_drop_is_silent(app, admin, callbacks):
    add_rule(admin, scope="group_msg", match="accounts", pattern="spammer", action="drop")
    assert callbacks.ack("Group.CallbackBeforeSendMsg", GROUP_BEFORE) == {**OK, "ErrorCode": 2}
    other = {**GROUP_BEFORE, "From_Account": "alice", "Operator_Account": "alice"}
    assert callbacks.ack("Group.CallbackBeforeSendMsg", other) == OK
    assert [r.decision for r in stored_events(app)] == ["drop", "allow"]


def test_rewrite_masks_words_in_text_elements_only(app, admin, callbacks):
    add_rule(admin, name="mask", pattern="cheap, pills", action="rewrite")
    ack = callbacks.ack("C2C.CallbackBeforeSendMsg", C2C_BEFORE)
    assert ack["ErrorCode"] == 0
    assert ack["MsgBody"][0] == {"MsgType": "TIMTextElem", "MsgContent": {"Text": "buy ***** ***** now"}}
    assert ack["MsgBody"][1] == C2C_BEFORE["MsgBody"][1]  # a face element is not text
    assert stored_events(app)[0].decision == "rewrite"


def test_deny_beats_rewrite_whatever_the_order(admin, callbacks):
    add_rule(admin, name="mask", pattern="cheap", action="rewrite", position="0")
    add_rule(admin, name="deny", pattern="pills", action="deny", position="5")
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", C2C_BEFORE)["ErrorCode"] == 1


def test_group_create_join_and_invite(app, admin, callbacks):
    add_rule(admin, scope="group_create", match="regex", pattern=r"(?i)casino", error_code="10100",
             error_info="name not allowed")
    add_rule(admin, scope="group_join", match="accounts", pattern="mallory")
    add_rule(admin, scope="group_invite", match="accounts", pattern="mallory\ntrudy")
    create = {"CallbackCommand": "Group.CallbackBeforeCreateGroup", "Operator_Account": "a",
              "Owner_Account": "a", "Type": "Public", "Name": "Best CASINO deals", "MemberList": []}
    assert callbacks.ack("Group.CallbackBeforeCreateGroup", create) == {
        "ActionStatus": "OK", "ErrorCode": 10100, "ErrorInfo": "name not allowed"}
    assert callbacks.ack("Group.CallbackBeforeCreateGroup", {**create, "Name": "Book club"}) == OK

    join = {"CallbackCommand": "Group.CallbackBeforeApplyJoinGroup", "GroupId": "@TGS#1",
            "Type": "Public", "Requestor_Account": "mallory"}
    assert callbacks.ack("Group.CallbackBeforeApplyJoinGroup", join)["ErrorCode"] == 1
    assert callbacks.ack("Group.CallbackBeforeApplyJoinGroup", {**join, "Requestor_Account": "bob"}) == OK

    invite = {"CallbackCommand": "Group.CallbackBeforeInviteJoinGroup", "GroupId": "@TGS#1",
              "Type": "Public", "Operator_Account": "alice",
              "DestinationMembers": [{"Member_Account": "bob"}, {"Member_Account": "trudy"}]}
    assert callbacks.ack("Group.CallbackBeforeInviteJoinGroup", invite) == {
        **OK, "RefusedMembers_Account": ["trudy"]}
    assert [r.decision for r in stored_events(app)][-1] == "partial"


def test_friend_requests_are_refused_per_target(admin, callbacks):
    add_rule(admin, scope="friend_request", match="words", pattern="crypto", error_code="38001",
             error_info="no ads")
    body = {"CallbackCommand": "Sns.CallbackPrevFriendAdd", "Requester_Account": "alice",
            "From_Account": "alice", "AddType": "Add_Type_Both", "ForceAddFlags": 0,
            "FriendItem": [{"To_Account": "bob", "AddWording": "hi, it's Alice"},
                           {"To_Account": "carol", "AddWording": "Earn CRYPTO fast"}]}
    ack = callbacks.ack("Sns.CallbackPrevFriendAdd", body)
    assert ack["ResultItem"] == [
        {"To_Account": "bob", "ResultCode": 0, "ResultInfo": ""},
        {"To_Account": "carol", "ResultCode": 38001, "ResultInfo": "no ads"}]


def test_edit_disable_and_delete_are_audited_and_apply_at_once(app, admin, callbacks):
    add_rule(admin, name="deny", pattern="pills")
    with app.app_context():
        from console import db

        rule_id = db.session.query(Rule).one().id
    sent = iter(range(100))

    def send():  # a new message each time: the same body again would be a re-delivery
        return callbacks.ack("C2C.CallbackBeforeSendMsg", {**C2C_BEFORE, "MsgRandom": next(sent)})

    assert send()["ErrorCode"] == 1
    assert admin.get(f"/rules/{rule_id}").status_code == 200
    response = admin.post(f"/rules/{rule_id}", data={
        "name": "deny", "scope": "c2c_msg", "match": "words", "pattern": "nothing-matches",
        "action": "deny", "position": "0", "enabled": "1"})
    assert response.status_code == 302
    assert send() == OK
    admin.post(f"/rules/{rule_id}", data={
        "name": "deny", "scope": "c2c_msg", "match": "words", "pattern": "pills",
        "action": "deny", "position": "0", "enabled": "1"})
    admin.post(f"/rules/{rule_id}/toggle")
    assert send() == OK
    admin.post(f"/rules/{rule_id}/toggle")
    assert send()["ErrorCode"] == 1
    admin.post(f"/rules/{rule_id}/delete")
    assert send() == OK

    actions = [e.action for e in audit_actions(app, "rules.")]
    assert actions == ["rules.create", "rules.update", "rules.update", "rules.disable",
                       "rules.enable", "rules.delete"]
    update = audit_actions(app, "rules.update")[0]
    assert update.detail["changes"] == {"pattern": ["pills", "nothing-matches"]}
    assert update.targets == [f"rule:{rule_id}"]
