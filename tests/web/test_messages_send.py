"""Messages pages: send with every element type, preview, batch (direct and as a job), audit rows."""
from __future__ import annotations

import json

import pytest


@pytest.fixture
def people(sandbox):
    ids = ["alice", "bob", "carol"]
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ids})
    return ids


def _stored(sandbox, a, b):
    """Messages of the a<->b conversation in the sandbox, as stored."""
    with sandbox.state.lock:
        return [m for history in sandbox.state.messages.values() for m in history
                if {m["From_Account"], m["To_Account"]} == {a, b}]


def _rows(audit_rows, endpoint):
    return [r for r in audit_rows() if r.endpoint == endpoint]


def test_send_every_element_type_with_options(signed_in, sandbox, people, audit_rows):
    op = signed_in("operator")
    form = {
        "to": "bob", "sender": "alice", "mode": "single",
        "el-0-type": "text", "el-0-Text": "hello bob",
        "el-1-type": "image", "el-1-URL": "https://example.com/a.png", "el-1-Width": "640", "el-1-Height": "480",
        "el-1-ImageFormat": "3",
        "el-2-type": "file", "el-2-Url": "https://example.com/f.pdf", "el-2-FileName": "f.pdf", "el-2-FileSize": "1000",
        "el-3-type": "sound", "el-3-Url": "https://example.com/v.mp3", "el-3-Second": "3",
        "el-4-type": "video", "el-4-VideoUrl": "https://example.com/v.mp4", "el-4-ThumbUrl": "https://example.com/t.jpg",
        "el-5-type": "location", "el-5-Desc": "Office", "el-5-Latitude": "22.54", "el-5-Longitude": "113.93",
        "el-6-type": "face", "el-6-Index": "3",
        "el-7-type": "custom", "el-7-Data": '{"k": 1}', "el-7-Desc": "custom!",
        "lifetime": "3600", "sync": "2", "forbid": ["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"],
        "send_control": ["NoUnread"], "push_title": "Hi", "push_desc": "You have mail",
    }
    resp = op.post("/messages/send", form, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Sent to bob" in html, html
    stored = _stored(sandbox, "alice", "bob")
    assert len(stored) == 1
    types = [e["MsgType"] for e in stored[0]["MsgBody"]]
    assert types == ["TIMTextElem", "TIMImageElem", "TIMFileElem", "TIMSoundElem", "TIMVideoFileElem",
                     "TIMLocationElem", "TIMFaceElem", "TIMCustomElem"]
    rows = _rows(audit_rows, "openim/sendmsg")
    assert len(rows) == 1 and rows[0].outcome == "ok" and rows[0].operator_name == "operator"
    req = rows[0].request
    assert req["MsgLifeTime"] == 3600 and req["SyncOtherMachine"] == 2
    assert req["ForbidCallbackControl"] == ["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"]
    assert req["SendMsgControl"] == ["NoUnread"]
    assert req["OfflinePushInfo"]["Title"] == "Hi" and req["OfflinePushInfo"]["Desc"] == "You have mail"


def test_send_invalid_form_shows_problems_and_sends_nothing(signed_in, sandbox, people, audit_rows):
    op = signed_in("operator")
    resp = op.post("/messages/send", {"to": "bob", "el-0-type": "image", "el-0-URL": "not a url",
                                      "el-0-Width": "x"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert "must be an http(s) URL" in html and "must be a whole number" in html
    assert _rows(audit_rows, "openim/sendmsg") == []
    assert _stored(sandbox, "administrator", "bob") == []


def test_send_im_error_is_a_toast_with_code(signed_in, sandbox, people, audit_rows):
    op = signed_in("operator")
    resp = op.post("/messages/send", {"to": "nobody-here", "el-0-type": "text", "el-0-Text": "x"}, htmx=True)
    assert resp.headers.get("HX-Retarget") == "#toasts"
    rows = _rows(audit_rows, "openim/sendmsg")
    assert len(rows) == 1 and rows[0].outcome == "failed"
    assert str(rows[0].error_code) in resp.get_data(as_text=True)


def test_viewer_may_preview_but_not_send(signed_in, sandbox, people, audit_rows):
    viewer = signed_in("viewer")
    form = {"to": "bob", "el-0-type": "text", "el-0-Text": "preview me", "push_title": "T"}
    resp = viewer.post("/messages/preview", form, htmx=True)
    html = resp.get_data(as_text=True)
    assert "preview me" in html and "bytes" in html
    refused = viewer.post("/messages/send", form, htmx=True)
    assert "Forbidden" in refused.get_data(as_text=True)
    assert _rows(audit_rows, "openim/sendmsg") == []
    assert _stored(sandbox, "administrator", "bob") == []


def test_preview_renders_raw_json_body_and_notification(signed_in):
    op = signed_in("operator")
    body = [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{}", "Desc": "order shipped"}},
            {"MsgType": "TIMLocationElem", "MsgContent": {"Desc": "Here", "Latitude": 1.5, "Longitude": 2.5}}]
    html = op.post("/messages/preview", {"raw_body": json.dumps(body)}, htmx=True).get_data(as_text=True)
    assert "order shipped[Location]" in html
    assert "openstreetmap.org" in html
    bad = op.post("/messages/preview", {"raw_body": "[1]"}, htmx=True).get_data(as_text=True)
    assert "MsgBody[0]" in bad


def test_element_editor_fragment(signed_in):
    op = signed_in("viewer")
    html = op.get("/messages/element?kind=video&i=4").get_data(as_text=True)
    assert 'name="el-4-VideoUrl"' in html and 'name="el-4-ThumbUrl"' in html
    assert op.get("/messages/element?kind=nope&i=1").status_code == 404
    switched = op.get("/messages/element?i=2&el-2-type=face").get_data(as_text=True)  # an editor's own select
    assert 'id="el-2"' in switched and 'name="el-2-Index"' in switched


def test_batch_send_direct_reports_each_recipient(signed_in, sandbox, people, audit_rows):
    op = signed_in("operator")
    resp = op.post("/messages/batch", {"recipients": "alice, bob\ncarol ghost", "el-0-type": "text",
                                       "el-0-Text": "to all", "mode": "batch"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert "3 delivered, 1 failed" in html, html
    assert "ghost" in html
    for uid in people:
        assert len(_stored(sandbox, "administrator", uid)) == 1
    rows = _rows(audit_rows, "openim/batchsendmsg")
    assert len(rows) == 1 and rows[0].outcome == "partial"


def test_batch_send_as_job_from_directory_and_csv(signed_in, app, sandbox, people, audit_rows):
    import io

    from console import db
    from console.accounts.directory import upsert_accounts
    from console.models import JobResult

    with db.new_session(app) as sess:
        upsert_accounts(sess, ["alice", "bob"], "created")
    op = signed_in("operator")
    data = {"use_directory": "1", "directory_prefix": "", "as_job": "1", "el-0-type": "text",
            "el-0-Text": "job message", "csv": (io.BytesIO(b"user_id\ncarol\n"), "r.csv")}
    resp = op.post("/messages/batch", data, htmx=True, content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert "Running as a job" in html, html
    with db.new_session(app) as sess:
        results = sess.query(JobResult).order_by(JobResult.seq).all()
        assert sorted(r.item for r in results) == ["alice", "bob", "carol"]
        assert all(r.ok for r in results)
        job_id = results[0].job_id
    rows = _rows(audit_rows, "openim/batchsendmsg")
    assert len(rows) == 1 and rows[0].job_id == job_id
    page = op.get(f"/messages/jobs/{job_id}").get_data(as_text=True)
    assert "carol" in page and "job message" not in page
    assert f'href="/jobs/{job_id}"' in op.get("/messages/batch").get_data(as_text=True)


def test_batch_job_splits_into_calls_of_500(signed_in, app, sandbox, audit_rows):
    ids = [f"u{n:04d}" for n in range(620)]
    for start in range(0, len(ids), 100):
        sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ids[start:start + 100]})
    op = signed_in("operator")
    resp = op.post("/messages/batch", {"recipients": "\n".join(ids), "el-0-type": "text", "el-0-Text": "hi"},
                   htmx=True)
    assert "620 recipients in 2 calls" in resp.get_data(as_text=True)
    rows = _rows(audit_rows, "openim/batchsendmsg")
    assert [len(r.request["To_Account"]) if isinstance(r.request["To_Account"], list) else r.request["To_Account"]
            for r in rows] in ([500, 120], ["[500 items]", 120])
    assert all(r.outcome == "ok" for r in rows)


def test_pacing_follows_the_batch_limits():
    from console.messaging.domain import pacing

    assert pacing(500) == {"count": 500, "calls": 1, "per_minute": 12000, "per_call": 500, "min_seconds": 0}
    assert pacing(501)["calls"] == 2
    slow = pacing(30000)  # 12,000 go out at once, the other 18,000 need 1.5 more minutes
    assert slow["calls"] == 60 and slow["min_seconds"] == 90


def test_batch_page_shows_the_limit(signed_in):
    html = signed_in("viewer").get("/messages/batch").get_data(as_text=True)
    assert "12,000 messages per minute" in html and 'name="csv"' in html and 'name="use_directory"' in html


def test_local_times_use_the_zone_offset_of_today(app):
    from console import forms
    from console.i18n import TZ_COOKIE

    with app.test_request_context(headers={"Cookie": f"{TZ_COOKIE}=Asia/Shanghai"}):
        assert forms.local_time("2026-11-20T08:00", "when", "When") == 1795132800  # 00:00 UTC, not LMT +08:06
    with app.test_request_context():
        assert forms.local_time("2026-11-20T00:00:00", "when", "When") == 1795132800
