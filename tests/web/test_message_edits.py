"""Messages after the send: edit a stored C2C message, delete from one side's history (typed
confirmation), read receipts, message extensions of C2C and group messages; one audit row per
IM call, against the sandbox."""
from __future__ import annotations

import pytest
from test_accounts_support import im_import

BASE = "/messages"


@pytest.fixture
def op(signed_in):
    return signed_in("operator")


@pytest.fixture
def sent(sandbox, tim):
    """A message from ann to ben that takes extensions: its key."""
    im_import(sandbox, "ann", "ben")
    return tim.c2c.send_message("ben", "first text", sender="ann", support_extension=True).msg_key


def history(tim, owner="ann", peer="ben"):
    return tim.c2c.fetch_messages(owner, peer, min_time=0, max_time=2**32 - 1).messages


def test_the_conversation_offers_the_actions(app, op, sent):
    html = op.get(f"{BASE}/conversation/page", query_string={"a": "ann", "b": "ben"}).get_data(as_text=True)
    assert f'data-dialog-open="edit-{sent}"' in html and f'data-dialog-open="delete-{sent}"' in html
    assert "first text</textarea>" in html and "/messages/extensions?" in html and "Read receipt from ben" in html


def test_edit_a_stored_message_with_before_and_after_in_the_audit(app, op, sent, tim, audit_rows):
    [message] = history(tim)
    form = {"sender": "ann", "to": "ben", "msg_key": sent, "text": "second text", "at": str(message.msg_time)}
    resp = op.post(f"{BASE}/edit", form, htmx=True)
    assert resp.status_code == 200 and "edited" in resp.get_data(as_text=True)
    [message] = history(tim)
    assert message.body[0]["MsgContent"]["Text"] == "second text"
    read, row = audit_rows()
    assert read.action == "c2c.fetch_messages" and (row.action, row.outcome) == ("c2c.modify_message", "ok")
    assert row.request["MsgBody"][0]["MsgContent"]["Text"] == "second text"
    assert row.detail["before"]["body"][0]["MsgContent"]["Text"] == "first text"
    assert row.detail["after"]["body"][0]["MsgContent"]["Text"] == "second text"
    bad = op.post(f"{BASE}/edit", {"sender": "ann", "to": "ben", "msg_key": sent}, htmx=True)
    assert "form-problems" in bad.headers.get("HX-Trigger", "") and len(audit_rows()) == 2


def test_delete_from_one_side_needs_the_typed_account(app, op, sent, tim, audit_rows):
    form = {"user": "ann", "peer": "ben", "msg_keys": sent, "confirm": "ben"}
    assert "form-problems" in op.post(f"{BASE}/delete-one-sided", form, htmx=True).headers.get("HX-Trigger", "")
    assert audit_rows() == []
    html = op.post(f"{BASE}/delete-one-sided", {**form, "confirm": "ann"}, htmx=True).get_data(as_text=True)
    assert "1 succeeded" in html
    assert history(tim, "ann", "ben") == [] and len(history(tim, "ben", "ann")) == 1
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("c2c.delete_messages_one_sided", "ok")


def test_read_receipt_from_the_recipient(app, op, sent, tim, audit_rows):
    html = op.post(f"{BASE}/read-receipt", {"reader": "ben", "peer": "ann", "msg_keys": sent},
                   htmx=True).get_data(as_text=True)
    assert "ben reported 1 message of ann as read" in html
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("c2c.send_read_receipts", "ok")


def test_c2c_extensions_set_list_delete_clear(app, op, sent, tim, audit_rows):
    target = {"kind": "c2c", "to": "ben", "sender": "ann", "msg_key": sent}
    page = op.get(f"{BASE}/extensions", query_string=target).get_data(as_text=True)
    assert "extension-pairs" in page and "extension-set" in page and "no extensions" in page
    assert [r.action for r in audit_rows()] == ["message_ext.get_c2c_extensions"]
    resp = op.post(f"{BASE}/extensions/set", {**target, "key": "likes", "value": "3"}, htmx=True)
    assert resp.headers["HX-Trigger"] == "extensions-changed"
    [row] = audit_rows()[1:]
    assert (row.action, row.outcome) == ("message_ext.set_c2c_extensions", "ok")
    op.post(f"{BASE}/extensions/set", {**target, "key": "tag", "value": "x"}, htmx=True)
    html = op.get(f"{BASE}/extensions/pairs", query_string=target).get_data(as_text=True)
    assert "<code>likes</code>" in html and "<td>3</td>" in html
    op.post(f"{BASE}/extensions/delete", {**target, "key": "likes"}, htmx=True)
    assert tim.message_ext.get_c2c_extensions("ben", sent, sender="ann").as_dict() == {"tag": "x"}
    op.post(f"{BASE}/extensions/clear", target, htmx=True)
    assert tim.message_ext.get_c2c_extensions("ben", sent, sender="ann").as_dict() == {}
    assert [r.action for r in audit_rows()][-2:] == ["message_ext.delete_c2c_extensions",
                                                    "message_ext.clear_c2c_extensions"]


def test_a_message_without_extension_support_says_why(app, op, sandbox, tim):
    im_import(sandbox, "ann", "ben")
    key = tim.c2c.send_message("ben", "plain", sender="ann").msg_key
    target = {"kind": "c2c", "to": "ben", "sender": "ann", "msg_key": key}
    resp = op.post(f"{BASE}/extensions/set", {**target, "key": "k", "value": "v"}, htmx=True)
    assert resp.status_code < 500 and "23002" in resp.get_data(as_text=True)
    html = op.get(f"{BASE}/extensions/pairs", query_string=target)
    assert html.status_code == 200 and "no extensions" in html.get_data(as_text=True)


def test_group_message_extensions(app, op, sandbox, tim, audit_rows):
    im_import(sandbox, "ann")
    group = tim.group.create_group("Public", "ext", owner="ann").group_id
    seq = tim.group.send_message(group, "hello", sender="ann", support_extension=True).msg_seq
    target = {"kind": "group", "group_id": group, "msg_seq": str(seq)}
    op.post(f"{BASE}/extensions/set", {**target, "key": "votes", "value": "7"}, htmx=True)
    assert tim.message_ext.get_group_extensions(group, seq).as_dict() == {"votes": "7"}
    assert audit_rows()[-1].action == "message_ext.set_group_extensions"
    html = op.get(f"{BASE}/extensions/pairs", query_string=target).get_data(as_text=True)
    assert "<code>votes</code>" in html
    assert op.get(f"{BASE}/extensions", query_string={"kind": "group", "group_id": group, "msg_seq": "x"}).status_code == 400


def test_delete_a_whole_range_from_one_side(app, signed_in, sent, tim, audit_rows):
    tim.c2c.send_message("ann", "reply", sender="ben")
    operator = signed_in("operator")
    assert 'data-dialog-open="delete-range"' not in operator.get(f"{BASE}/conversation", query_string={
        "a": "ann", "b": "ben"}).get_data(as_text=True)
    assert operator.post(f"{BASE}/delete-one-sided/range", {"user": "ann", "peer": "ben", "confirm": "ann"}
                         ).status_code == 403
    op = signed_in("admin")
    page = op.get(f"{BASE}/conversation", query_string={"a": "ann", "b": "ben"}).get_data(as_text=True)
    assert 'data-dialog-open="delete-range"' in page
    form = {"user": "ann", "peer": "ben", "confirm": "ann"}
    html = op.post(f"{BASE}/delete-one-sided/range", form, htmx=True).get_data(as_text=True)
    assert "2 succeeded" in html
    assert history(tim, "ann", "ben") == [] and len(history(tim, "ben", "ann")) == 2
    assert [r.action for r in audit_rows()] == ["c2c.fetch_messages", "c2c.delete_messages_one_sided"]
    html = op.post(f"{BASE}/delete-one-sided/range", form, htmx=True).get_data(as_text=True)
    assert "nothing was deleted" in html
    bad = op.post(f"{BASE}/delete-one-sided/range", {**form, "confirm": "x"}, htmx=True)
    assert "form-problems" in bad.headers.get("HX-Trigger", "")
