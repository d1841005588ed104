"""The review queue: a flag rule lets a message through into the queue; each decision is one audited
IM call against the sandbox (recall C2C or group, mute everywhere or in the group, ban) or a
dismissal, and the item records who decided what."""
from __future__ import annotations

import re
import time

import pytest
from events_support import OK, audit_actions, callbacks, stored_events  # noqa: F401

from console.tim import TimError


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


@pytest.fixture
def operator(signed_in):
    return signed_in("operator")


def flag_rule(browser, scope="c2c_msg", pattern="cheap pills", match="words"):
    form = {"name": f"flag {scope}", "scope": scope, "match": match, "pattern": pattern, "action": "flag",
            "error_code": "", "error_info": "", "position": "0", "enabled": "1"}
    assert browser.post("/rules", data=form).status_code == 302


def text_body(text: str) -> list:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


@pytest.fixture
def c2c_flagged(app, admin, tim, callbacks):
    """A real C2C message in the sandbox, and its before-callback flagged by a rule."""
    tim.account.import_accounts(["jared", "john"])
    flag_rule(admin)
    sent = tim.c2c.send_message("john", text_body("buy CHEAP pills now"), sender="jared")
    body = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared", "To_Account": "john",
            "MsgSeq": 1, "MsgRandom": 2, "MsgTime": sent.msg_time, "MsgKey": sent.msg_key,
            "EventTime": int(time.time() * 1000), "MsgBody": text_body("buy CHEAP pills now")}
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", body) == OK  # let through
    (row,) = stored_events(app)
    assert row.decision == "flag" and row.rule_name == "flag c2c_msg"
    return row.id, sent


@pytest.fixture
def group_flagged(app, admin, tim, callbacks):
    """A real group message, its before-callback (flagged) and its after-callback (the seq)."""
    tim.account.import_accounts(["owner", "spammer"])
    group = tim.group.create_group("Public", "g", owner="owner", members=["spammer"]).group_id
    flag_rule(admin, scope="group_msg", pattern="casino")
    sent = tim.group.send_message(group, text_body("visit my casino"), sender="spammer")
    common = {"GroupId": group, "Type": "Public", "From_Account": "spammer", "Operator_Account": "spammer",
              "Random": 77, "MsgId": "mid-77", "MsgBody": text_body("visit my casino")}
    assert callbacks.ack("Group.CallbackBeforeSendMsg",
                         {"CallbackCommand": "Group.CallbackBeforeSendMsg", **common}) == OK
    callbacks.ack("Group.CallbackAfterSendMsg", {"CallbackCommand": "Group.CallbackAfterSendMsg", **common,
                                                 "MsgSeq": sent.msg_seq, "MsgTime": sent.msg_time})
    flagged = [r for r in stored_events(app) if r.decision == "flag"]
    return flagged[0].id, group, sent


def decide(browser, event_id: int, action: str, **extra):
    return browser.post(f"/review/{event_id}/decide", data={"action": action, **extra}, htmx=True)


def test_the_queue_shows_sender_text_highlight_rule_and_earlier_flags(app, operator, c2c_flagged, callbacks):
    event_id, _sent = c2c_flagged
    body = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared", "To_Account": "john",
            "MsgKey": "k2", "MsgBody": text_body("cheap pills again")}
    callbacks.ack("C2C.CallbackBeforeSendMsg", body)
    page = operator.get("/review").get_data(as_text=True)
    assert f'id="review-{event_id}"' in page
    assert "buy <mark>CHEAP pills</mark> now" in page
    assert "flag c2c_msg" in page and "1 earlier flag" in page
    assert "Open (2)" in page
    assert 'sse-connect="/review/stream' in page
    # flagged is a decision the events page names too
    assert "flagged for review" in operator.get("/events").get_data(as_text=True)


def test_items_hold_no_csrf_token_since_the_live_stream_shares_them(app, operator, c2c_flagged):
    event_id, _sent = c2c_flagged
    html = decide(operator, event_id, "dismiss").get_data(as_text=True)
    assert "csrf_token" not in html
    # without the header htmx sends, a decision is refused
    assert operator.client.post(f"/review/{event_id}/decide", data={"action": "dismiss"}).status_code == 400


def test_viewers_see_the_queue_but_cannot_decide(app, signed_in, c2c_flagged):
    event_id, _sent = c2c_flagged
    viewer = signed_in("viewer")
    page = viewer.get("/review").get_data(as_text=True)
    assert f'id="review-{event_id}"' in page and 'value="recall"' not in page
    assert viewer.post(f"/review/{event_id}/decide", data={"action": "dismiss"}).status_code == 403


def test_recall_a_c2c_message_is_one_audited_call(app, operator, tim, c2c_flagged, audit_rows):
    event_id, sent = c2c_flagged
    before = len(audit_rows())
    response = decide(operator, event_id, "recall")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Recalled" in html and "by operator" in html and "review-decided" in html
    rows = audit_rows()[before:]
    assert [(r.action, r.outcome, r.operator_name) for r in rows] == [("c2c.revoke_message", "ok", "operator")]
    with pytest.raises(TimError) as exc:
        tim.c2c.revoke_message("jared", "john", sent.msg_key)
    assert exc.value.code == 20023  # already recalled
    # decided: out of the open queue, in the decided tab
    assert f'id="review-{event_id}"' not in operator.get("/review").get_data(as_text=True)
    assert f'id="review-{event_id}"' in operator.get("/review?state=decided").get_data(as_text=True)


def test_mute_everywhere(app, operator, tim, c2c_flagged, audit_rows):
    event_id, _sent = c2c_flagged
    before = len(audit_rows())
    decide(operator, event_id, "mute", duration="3600")
    assert [r.action for r in audit_rows()[before:]] == ["mute.set_no_speaking"]
    muted = tim.mute.get_no_speaking("jared")
    assert 0 < muted.c2c <= 3600 and 0 < muted.group <= 3600


def test_group_actions_are_refused_for_a_c2c_message(app, operator, c2c_flagged, audit_rows):
    event_id, _sent = c2c_flagged
    before = len(audit_rows())
    response = decide(operator, event_id, "ban")
    assert response.status_code == 200 and "not sent in a group" in response.get_data(as_text=True)
    assert audit_rows()[before:] == []


def test_recall_a_group_message_finds_its_seq(app, operator, tim, group_flagged, audit_rows):
    event_id, group, sent = group_flagged
    before = len(audit_rows())
    html = decide(operator, event_id, "recall").get_data(as_text=True)
    assert "Recalled" in html
    rows = audit_rows()[before:]
    assert [(r.action, r.outcome) for r in rows] == [("group.revoke_messages", "ok")]
    again = tim.group.revoke_messages(group, [sent.msg_seq])
    assert not again.items[0].ok  # already recalled


def test_mute_in_the_group_and_ban(app, operator, tim, group_flagged, audit_rows):
    event_id, group, _sent = group_flagged
    before = len(audit_rows())
    decide(operator, event_id, "mute_group", duration="600")
    assert "spammer" in [m.id for m in tim.group.get_group_muted_account(group).items]
    decide(operator, event_id, "ban", duration="86400")
    assert [r.action for r in audit_rows()[before:]] == ["group.forbid_send_message", "group.ban_members"]
    assert "spammer" in [b.id for b in tim.group.iter_banned_members(group)]


def test_dismiss_is_audited_and_recorded(app, operator, c2c_flagged, audit_rows):
    event_id, _sent = c2c_flagged
    before = len(audit_rows())
    html = decide(operator, event_id, "dismiss").get_data(as_text=True)
    assert "Dismissed" in html
    rows = audit_rows()[before:]
    assert [(r.action, r.outcome) for r in rows] == [("review.dismiss", "ok")]


def test_a_failed_call_is_recorded_and_the_item_stays_open(app, operator, tim, c2c_flagged, audit_rows):
    event_id, sent = c2c_flagged
    tim.c2c.revoke_message("jared", "john", sent.msg_key)  # someone recalled it already
    before = len(audit_rows())
    html = decide(operator, event_id, "recall").get_data(as_text=True)
    assert "20023" in html and "review-decided" not in html
    assert [r.outcome for r in audit_rows()[before:]] == ["failed"]
    assert f'id="review-{event_id}"' in operator.get("/review").get_data(as_text=True)


@pytest.mark.parametrize("data", [{"action": "explode"}, {"action": "mute", "duration": "9" * 30},
                                  {"action": "mute", "duration": "-5"}, {}])
def test_bad_decisions_never_500(app, operator, c2c_flagged, data):
    event_id, _sent = c2c_flagged
    response = operator.post(f"/review/{event_id}/decide", data=data)
    assert response.status_code == 400


def test_unknown_items_are_404(app, operator):
    assert operator.post("/review/12345/decide", data={"action": "dismiss"}).status_code == 404


def test_paging_and_hostile_parameters(app, operator, c2c_flagged):
    assert operator.get("/review/more?before=" + "9" * 40).status_code == 200
    assert operator.get("/review?state=<script>").status_code == 200
    html = operator.get("/review/more?state=all&before=999999").get_data(as_text=True)
    assert re.search(r'id="review-\d+"', html)


def test_recall_a_group_message_without_its_after_callback(app, admin, operator, tim, callbacks, audit_rows):
    """Apps that do not send Group.CallbackAfterSendMsg: the seq comes from the group's history."""
    tim.account.import_accounts(["owner", "spammer"])
    group = tim.group.create_group("Public", "g", owner="owner", members=["spammer"]).group_id
    flag_rule(admin, scope="group_msg", pattern="casino")
    sent = tim.group.send_message(group, text_body("visit my casino"), sender="spammer")
    (message,) = [m for m in tim.group.fetch_messages(group).messages if m.msg_seq == sent.msg_seq]
    callbacks.ack("Group.CallbackBeforeSendMsg", {
        "CallbackCommand": "Group.CallbackBeforeSendMsg", "GroupId": group, "Type": "Public",
        "From_Account": "spammer", "Operator_Account": "spammer", "Random": message.msg_random,
        "MsgBody": text_body("visit my casino")})
    event_id = [r for r in stored_events(app) if r.decision == "flag"][0].id
    before = len(audit_rows())
    assert "Recalled" in decide(operator, event_id, "recall").get_data(as_text=True)
    assert [r.action for r in audit_rows()[before:]] == ["group.fetch_messages", "group.revoke_messages"]
    assert not tim.group.revoke_messages(group, [sent.msg_seq]).items[0].ok  # already recalled


def test_text_that_is_not_valid_unicode_is_shown(app, admin, operator, callbacks):
    """JSON may escape a lone surrogate: the queue and the dry run show it as U+FFFD (the console's
    one rule for invalid text, console.tim.text), never a 500."""
    flag_rule(admin, pattern="casino")
    raw = ('{"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a\\udc00", "To_Account": "b", '
           '"MsgKey": "k", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "\\ud800 casino"}}]}')
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", raw) == OK
    page = operator.get("/review")
    assert page.status_code == 200 and "\ufffd <mark>casino</mark>" in page.get_data(as_text=True)
    form = {"name": "t", "scope": "c2c_msg", "match": "words", "pattern": "casino", "action": "deny",
            "position": "-1"}  # before the flag rule
    dry = admin.post("/rules/dry-run", data=form, htmx=True)
    assert dry.status_code == 200 and "Would have denied 1 callback" in dry.get_data(as_text=True)
