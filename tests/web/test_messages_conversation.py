"""Conversation viewer (history pages, recall, mark read, unread counts), history import, global mute."""
from __future__ import annotations

import json
import time

import pytest


@pytest.fixture
def pair(sandbox):
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "bob"]})
    return "alice", "bob"


def _send(sandbox, sender, to, text, n):
    return sandbox.invoke("openim/sendmsg", {"From_Account": sender, "To_Account": to, "MsgRandom": 1000 + n,
                                             "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})


def _rows(audit_rows, endpoint):
    return [r for r in audit_rows() if r.endpoint == endpoint]


def test_conversation_pages_render_every_message_with_continuation(signed_in, sandbox, pair, audit_rows,
                                                                   monkeypatch):
    from console.messaging import views as view

    monkeypatch.setattr(view, "PAGE_SIZE", 3)
    now = int(time.time())
    for n in range(5):  # one second apart, so "newest first" is well defined
        sandbox.invoke("openim/importmsg", {
            "SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob", "MsgRandom": n + 1,
            "MsgTimeStamp": now - 100 + n,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"message number {n}"}}]})
    viewer = signed_in("viewer")
    page = viewer.get("/messages/conversation?a=alice&b=bob").get_data(as_text=True)
    assert "/messages/conversation/page?" in page and "Unread for bob" in page
    assert 'href="/accounts/u/alice"' in page  # the accounts section's page of each side
    first = viewer.get("/messages/conversation/page?a=alice&b=bob", headers={"HX-Request": "true"})
    html = first.get_data(as_text=True)
    assert html.count('class="message ') == 3 and "Older messages" in html
    assert "message number 4" in html and "message number 0" not in html
    more = html.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    rest = viewer.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "message number 0" in rest and "message number 4" not in rest
    assert "Older messages" not in rest
    assert len(_rows(audit_rows, "openim/admin_getroammsg")) == 2
    assert "Recall" not in html  # viewers read only


def test_recall_from_viewer_flags_the_message(signed_in, sandbox, pair, audit_rows):
    sent = _send(sandbox, "alice", "bob", "oops", 1)
    op = signed_in("operator")
    resp = op.post("/messages/recall", {"sender": "alice", "to": "bob", "msg_key": sent["MsgKey"]}, htmx=True)
    assert "was recalled" in resp.get_data(as_text=True) and resp.headers["HX-Trigger"] == "history-changed"
    rows = _rows(audit_rows, "openim/admin_msgwithdraw")
    assert len(rows) == 1 and rows[0].outcome == "ok"
    html = op.get("/messages/conversation/page?a=bob&b=alice", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "recalled" in html and "Recall</button>" not in html
    again = op.post("/messages/recall", {"sender": "alice", "to": "bob", "msg_key": sent["MsgKey"]}, htmx=True)
    assert "20023" in again.get_data(as_text=True)
    assert _rows(audit_rows, "openim/admin_msgwithdraw")[-1].outcome == "failed"


def test_unread_counts_and_mark_read(signed_in, sandbox, pair, audit_rows):
    for n in range(2):
        _send(sandbox, "alice", "bob", f"hi {n}", n)
    viewer = signed_in("viewer")
    html = viewer.get("/messages/unread?user=bob&peers=alice", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<dd class="unread-total">2</dd>' in html and '<dd class="unread-peer">2</dd>' in html
    assert len(_rows(audit_rows, "openim/get_c2c_unread_msg_num")) == 2
    op = signed_in("operator")
    html = op.post("/messages/read", {"user": "bob", "peer": "alice"}, htmx=True).get_data(as_text=True)
    assert "Marked read" in html and '<dd class="unread-total">0</dd>' in html
    assert len(_rows(audit_rows, "openim/admin_set_msg_read")) == 1
    with sandbox.state.lock:
        assert sandbox.state.unread_count("bob") == 0


def test_import_one_message(signed_in, sandbox, pair, audit_rows):
    op = signed_in("operator")
    resp = op.post("/messages/import/one", {"from": "alice", "to": "bob", "when": "2026-11-20T10:00:00",
                                            "el-0-type": "text", "el-0-Text": "from the old system"}, htmx=True)
    assert "Imported" in resp.get_data(as_text=True)
    rows = _rows(audit_rows, "openim/importmsg")
    assert len(rows) == 1 and rows[0].outcome == "ok" and rows[0].request["SyncFromOldSystem"] == 2
    with sandbox.state.lock:
        stored = [m for h in sandbox.state.messages.values() for m in h]
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in stored] == ["from the old system"]
    missing = op.post("/messages/import/one", {"from": "alice", "el-0-type": "text", "el-0-Text": "x"}, htmx=True)
    html = missing.get_data(as_text=True)
    assert "Recipient is required" in html and "Sent at is required" in html  # every problem at once
    assert set(json.loads(missing.headers["HX-Trigger"])["form-problems"]["fields"]) == {"to", "when"}
    assert len(_rows(audit_rows, "openim/importmsg")) == 1


def test_import_jsonl_file_as_job(signed_in, app, sandbox, pair, audit_rows):
    import io

    from console import db
    from console.models import JobResult

    now = int(time.time()) - 3600
    lines = [{"From_Account": "alice", "To_Account": "bob", "MsgTimeStamp": now + n, "MsgRandom": n + 1,
              "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"old {n}"}}]} for n in range(3)]
    lines.append({"From_Account": "alice", "To_Account": "ghost", "MsgTimeStamp": now, "MsgRandom": 9,
                  "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "lost"}}]})
    data = "\n".join(json.dumps(x) for x in lines).encode()
    op = signed_in("operator")
    resp = op.post("/messages/import/file", {"file": (io.BytesIO(data), "h.jsonl")}, htmx=True,
                   content_type="multipart/form-data")
    assert "Running as a job" in resp.get_data(as_text=True)
    with db.new_session(app) as sess:
        results = sess.query(JobResult).order_by(JobResult.seq).all()
        assert [(r.item, r.ok) for r in results] == [("1", True), ("2", True), ("3", True), ("4", False)]
        assert results[3].code and results[3].code != 0
    assert len(_rows(audit_rows, "openim/importmsg")) == 4
    with sandbox.state.lock:
        texts = sorted(m["MsgBody"][0]["MsgContent"]["Text"] for h in sandbox.state.messages.values() for m in h)
    assert texts == ["old 0", "old 1", "old 2"]


def test_import_jsonl_checks_every_line_first(signed_in, pair, audit_rows):
    op = signed_in("operator")
    text = '{"From_Account": "alice", "To_Account": "bob", "MsgTimeStamp": 5, "MsgBody": []}\nnot json\n' \
           '{"From_Account": "alice", "To_Account": "bob", "MsgTimeStamp": "x", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "a"}}]}'
    html = op.post("/messages/import/file", {"lines": text}, htmx=True).get_data(as_text=True)
    assert "line 1:" in html and "line 2: not valid JSON" in html and "line 3:" in html
    assert _rows(audit_rows, "openim/importmsg") == []


def test_mute_set_and_read_updates_the_directory(signed_in, app, sandbox, pair, audit_rows):
    from console import db
    from console.models import Account

    op = signed_in("operator")
    html = op.post("/messages/mute", {"user_id": "alice", "c2c_choice": "3600", "group_choice": "keep"},
                   htmx=True).get_data(as_text=True)
    assert "Saved the mute of alice" in html and '<dd class="mute-group">not muted</dd>' in html
    set_rows = _rows(audit_rows, "openconfigsvr/setnospeaking")
    assert len(set_rows) == 1 and set_rows[0].request == {"Set_Account": "alice", "C2CmsgNospeakingTime": 3600}
    assert len(_rows(audit_rows, "openconfigsvr/getnospeaking")) == 1
    with db.new_session(app) as sess:
        acc = sess.query(Account).filter_by(user_id="alice").one()
        assert acc.muted_c2c is True and acc.muted_group is False
    listing = op.get("/messages/mute").get_data(as_text=True)
    assert 'href="/messages/mute?user_id=alice">alice</a>' in listing
    # the mute ran out (or was lifted elsewhere): reading it corrects the directory
    sandbox.invoke("openconfigsvr/setnospeaking", {"Set_Account": "alice", "C2CmsgNospeakingTime": 0})
    viewer = signed_in("viewer")
    html = viewer.get("/messages/mute/panel?user_id=alice", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<dd class="mute-c2c">not muted</dd>' in html and "Save</button>" not in html
    with db.new_session(app) as sess:
        assert sess.query(Account).filter_by(user_id="alice").one().muted_c2c is False
    assert "No directory account is known to be muted" in viewer.get("/messages/mute").get_data(as_text=True)


def test_mute_form_validation(signed_in, pair, audit_rows):
    op = signed_in("operator")
    html = op.post("/messages/mute", {"user_id": "alice", "c2c_choice": "keep", "group_choice": "keep"},
                   htmx=True).get_data(as_text=True)
    assert "Choose a new duration" in html
    html = op.post("/messages/mute", {"user_id": "alice", "c2c_choice": "custom", "c2c_seconds": "-3"},
                   htmx=True).get_data(as_text=True)
    assert "whole number" in html
    assert _rows(audit_rows, "openconfigsvr/setnospeaking") == []


EVERY_ELEMENT = [
    {"MsgType": "TIMTextElem", "MsgContent": {"Text": "<b>plain</b> text"}},
    {"MsgType": "TIMImageElem", "MsgContent": {"UUID": "u1", "ImageFormat": 3, "ImageInfoArray": [
        {"Type": 1, "Size": 2048, "Width": 640, "Height": 480, "URL": "https://example.com/i.png"}]}},
    {"MsgType": "TIMFileElem", "MsgContent": {"Url": "https://example.com/f.pdf", "UUID": "u2", "FileSize": 10,
                                              "FileName": "report.pdf", "Download_Flag": 2}},
    {"MsgType": "TIMSoundElem", "MsgContent": {"Url": "javascript:alert(1)", "UUID": "u3", "Second": 4,
                                               "Download_Flag": 2}},
    {"MsgType": "TIMVideoFileElem", "MsgContent": {
        "VideoUrl": "https://example.com/v.mp4", "VideoUUID": "v", "VideoSecond": 9, "VideoDownloadFlag": 2,
        "ThumbUrl": "https://example.com/t.jpg", "ThumbUUID": "t", "ThumbDownloadFlag": 2}},
    {"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "Office", "Latitude": 22.5, "Longitude": 113.9}},
    {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 7, "Data": "smile"}},
    {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"order\": 42}", "Desc": "order update"}},
]


def test_every_element_type_renders_readably_and_safely(signed_in, sandbox, pair):
    relay = {"MsgType": "TIMRelayElem", "MsgContent": {
        "Title": "Chat of alice and bob", "MsgNum": 1, "CompatibleText": "upgrade", "AbstractList": ["alice: hi"],
        "MsgList": [{"From_Account": "alice", "To_Account": "bob", "MsgSeq": 1, "MsgRandom": 2,
                     "MsgTimeStamp": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "nested hi"}}]}]}}
    now = int(time.time())
    for n, body in enumerate((EVERY_ELEMENT, [relay])):
        sandbox.invoke("openim/importmsg", {"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob",
                                            "MsgRandom": 50 + n, "MsgTimeStamp": now - 10 + n, "MsgBody": body})
    html = signed_in("viewer").get("/messages/conversation/page?a=alice&b=bob").get_data(as_text=True)
    assert "&lt;b&gt;plain&lt;/b&gt; text" in html and "<b>plain</b>" not in html
    assert 'href="https://example.com/i.png"' in html and "640×480" in html
    assert ">report.pdf</a>" in html
    # an unsafe URL is shown as text, never linked
    assert "<code>javascript:alert(1)</code>" in html and 'href="javascript:' not in html
    assert 'href="https://example.com/v.mp4"' in html and "9 s" in html
    assert "Office" in html and "mlat=22.5&amp;mlon=113.9" in html
    assert "#7" in html and "smile" in html
    assert "order update" in html and "{&#34;order&#34;: 42}" in html
    assert "Chat of alice and bob" in html and "nested hi" in html and "alice: hi" in html
