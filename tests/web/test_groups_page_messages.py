"""The messages tab against the sandbox: history paging, send, notification, recall, import."""
from __future__ import annotations

import re
import time

import pytest
from groups_support import links_account, op, team  # noqa: F401  (op: a fixture)

from console.tim import messages as msgs

USERS = ["alice", "bob", "carol"]
SEND = "group_open_http_svc/send_group_msg"


@pytest.fixture
def im(sandbox, tim):
    return team(sandbox, tim, USERS)


def endpoints(audit_rows, since):
    return [r.endpoint for r in audit_rows()[since:] if r.endpoint]


def stored(im, group_id="team"):
    return [m for m in im.get(group_id).messages if not m.system]


def test_send_text_as_admin_and_as_member_then_see_it(op, im, audit_rows):
    before = len(audit_rows())
    resp = op.post("/groups/team/messages/send", {"kind": "text", "text": "hello all"}, htmx=True)
    assert resp.status_code == 204
    resp = op.post("/groups/team/messages/send", {"kind": "text", "text": "from bob", "sender": "bob"}, htmx=True)
    assert resp.status_code == 204
    sent = stored(im)
    assert [(m.sender, m.body[0]["MsgContent"]["Text"]) for m in sent] == [("administrator", "hello all"),
                                                                           ("bob", "from bob")]
    assert endpoints(audit_rows, before).count(SEND) == 2
    page = op.get("/groups/team/messages").get_data(as_text=True)
    assert "hello all" in page and links_account(page, "bob")
    assert f'data-seq="{sent[1].seq}"' in page


@pytest.mark.parametrize("form, element", [
    ({"kind": "custom", "data": '{"k":1}', "desc": "card"}, "TIMCustomElem"),
    ({"kind": "image", "url": "https://x.test/a.png", "width": "10", "height": "20"}, "TIMImageElem"),
    ({"kind": "file", "url": "https://x.test/doc.pdf", "size": "123"}, "TIMFileElem"),
    ({"kind": "sound", "url": "https://x.test/a.mp3", "seconds": "3"}, "TIMSoundElem"),
    ({"kind": "video", "url": "https://x.test/v.mp4", "thumb_url": "https://x.test/t.jpg"}, "TIMVideoFileElem"),
])
def test_send_every_kind_with_offline_push(op, im, audit_rows, form, element):
    form = {**form, "push_title": "Title", "push_desc": "You have mail"}
    assert op.post("/groups/team/messages/send", form, htmx=True).status_code == 204
    assert stored(im)[-1].body[0]["MsgType"] == element
    request = audit_rows()[-1].request
    assert request["OfflinePushInfo"]["Desc"] == "You have mail" and request["OfflinePushInfo"]["PushFlag"] == 0


@pytest.mark.parametrize("form, problem", [
    ({"kind": "text", "text": "  "}, "Text is required"),
    ({"kind": "image", "url": "ftp://x", "width": "1", "height": "1"}, "http(s) URL"),
    ({"kind": "image", "url": "https://x.test/a.png"}, "width and height"),
    ({"kind": "custom"}, "Data is required"),
    ({"kind": "bogus"}, "Unknown message kind"),
])
def test_send_validation(op, im, audit_rows, form, problem):
    before = len(audit_rows())
    assert problem in op.post("/groups/team/messages/send", form, htmx=True).get_data(as_text=True)
    assert endpoints(audit_rows, before) == ["group_open_http_svc/get_group_info"]


def test_muted_member_cannot_send_and_the_toast_says_why(op, im, tim):
    tim.group.forbid_send_message("team", ["bob"], 600)
    resp = op.post("/groups/team/messages/send", {"kind": "text", "text": "hi", "sender": "bob"}, htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.headers["HX-Retarget"] == "#toasts" and "10017" in body and "muted" in body


def test_history_pages_by_seq_and_explains_placeholders(op, im, tim):
    seqs = [tim.group.send_message("team", [msgs.text(f"m{n}")]).msg_seq for n in range(25)]
    tim.group.revoke_message("team", seqs[-1])
    page = op.get("/groups/team/messages").get_data(as_text=True)
    shown = [int(s) for s in re.findall(r'data-seq="(\d+)"', page)]
    assert len(shown) == 20 and shown == sorted(shown, reverse=True)
    assert "This message was recalled" in page
    older = re.search(r'href="(/groups/team/messages\?seq=\d+)"', page.replace("&amp;", "&")).group(1)
    rest = op.get(older).get_data(as_text=True)
    assert min(int(s) for s in re.findall(r'data-seq="(\d+)"', rest)) == 1


def test_recall_one_and_many_with_per_item_results(op, im, tim, audit_rows):
    seqs = [tim.group.send_message("team", [msgs.text(f"m{n}")]).msg_seq for n in range(12)]
    one = op.post("/groups/team/messages/recall", {"seq": str(seqs[0])}, htmx=True)
    assert one.status_code == 200 and "1 message recalled." in one.get_data(as_text=True)
    assert one.headers["HX-Trigger"] == "messages-changed"   # the history reloads in place
    assert [m.recalled for m in stored(im)][:2] == [True, False]
    before = len(audit_rows())
    many = {"seq": [str(s) for s in seqs[1:]] + ["999"], "reason": "cleanup"}
    body = op.post("/groups/team/messages/recall", many, htmx=True).get_data(as_text=True)
    recalls = [r for r in audit_rows()[before:] if r.endpoint == "group_open_http_svc/group_msg_recall"]
    assert [len(r.request["MsgSeqList"]) for r in recalls] == [10, 2]
    assert all(m.recalled for m in stored(im))
    assert "10030" in body and body.split("<tbody>")[1].count("badge-ok") == 11
    assert "Select at least one" in op.post("/groups/team/messages/recall", {}, htmx=True).get_data(as_text=True)


def test_recall_everything_a_member_sent_is_admin_only_and_typed(signed_in, op, im, tim, audit_rows):
    tim.group.send_message("team", [msgs.text("spam")], sender="bob")
    tim.group.send_message("team", [msgs.text("ok")], sender="carol")
    assert op.post("/groups/team/messages/recall-sender", {"account": "bob", "confirm": "bob"}).status_code == 403
    admin = signed_in("admin")
    wrong = admin.post("/groups/team/messages/recall-sender", {"account": "bob", "confirm": "bo"}, htmx=True)
    assert "Type the sender" in wrong.get_data(as_text=True)
    before = len(audit_rows())
    assert admin.post("/groups/team/messages/recall-sender", {"account": "bob", "confirm": "bob"},
                      htmx=True).status_code == 204
    assert [(m.sender, m.recalled) for m in stored(im)] == [("bob", True), ("carol", False)]
    assert endpoints(audit_rows, before)[-1] == "group_open_http_svc/delete_group_msg_by_sender"


def test_system_notification_to_all_or_some(op, im, audit_rows):
    assert op.post("/groups/team/messages/notify", {"content": "maintenance"}, htmx=True).status_code == 204
    assert op.post("/groups/team/messages/notify", {"content": "psst", "accounts": "bob"}, htmx=True).status_code == 204
    requests = [r.request for r in audit_rows() if r.endpoint == "group_open_http_svc/send_group_system_notification"]
    assert "ToMembers_Account" not in requests[0] and requests[1]["ToMembers_Account"] == ["bob"]
    assert len(im.get("team").notices) == 2


def test_import_history_in_batches_of_seven(op, im, tim, audit_rows):
    now = int(time.time())
    tim.group.import_group("Public", "Old", group_id="old", owner="alice", create_time=now - 7200)
    lines = "\n".join(f"alice, {now - 3600 + n * 10}, old message {n}" for n in range(9))
    before = len(audit_rows())
    body = op.post("/groups/old/messages/import", {"messages": lines}, htmx=True).get_data(as_text=True)
    imports = [r for r in audit_rows()[before:] if r.endpoint == "group_open_http_svc/import_group_msg"]
    assert [len(r.request["MsgList"]) for r in imports] == [7, 2]
    assert [m.body[0]["MsgContent"]["Text"] for m in stored(im, "old")] == [f"old message {n}" for n in range(9)]
    assert body.split("<tbody>")[1].count("badge-ok") == 9
    bad = op.post("/groups/old/messages/import", {"messages": "alice, tomorrow, hi"}, htmx=True)
    assert "date and time" in bad.get_data(as_text=True)


def test_avchatroom_has_no_history_but_accepts_messages(op, im, tim, audit_rows):
    gid = tim.group.create_group("AVChatRoom", "Live").group_id
    url = "/groups/" + gid.replace("#", "%23")
    page = op.get(url + "/messages").get_data(as_text=True)
    assert "store no message history" in page
    assert "group_msg_get_simple" not in " ".join(endpoints(audit_rows, 0))
    assert op.post(url + "/messages/send", {"kind": "text", "text": "live!"}, htmx=True).status_code == 204
    recall = op.post(url + "/messages/recall", {"seq": "1"}, htmx=True)
    assert "store no message history" in recall.get_data(as_text=True)
    some = op.post(url + "/messages/notify", {"content": "x", "accounts": "bob"}, htmx=True)
    assert "for all members only" in some.get_data(as_text=True)
