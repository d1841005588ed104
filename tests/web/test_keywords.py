"""Keyword lists: create, import (text and CSV), export, edit, rules that match them, and the push
to IM's local and cloud keyword libraries against the sandbox (diff first, every call audited)."""
from __future__ import annotations

import io
import re

import pytest
from events_support import OK, audit_actions, callbacks, stored_events  # noqa: F401

from console.models.moderation import KeywordList

C2C = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "jared", "To_Account": "john",
       "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 1717000000, "MsgKey": "1_2_1717000000"}


def c2c(text: str) -> dict:
    return {**C2C, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]}


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


def add_list(browser, name="spam", words="", file=None, **fields):
    data = {"name": name, "words": words, **fields}
    if file is not None:
        data["file"] = file
    return browser.post("/keywords", data=data, content_type="multipart/form-data")


def lists(app) -> list:
    with app.app_context():
        from console import db

        return db.session.query(KeywordList).order_by(KeywordList.id).all()


def list_id(response) -> int:
    return int(re.search(r"/keywords/(\d+)$", response.headers["Location"]).group(1))


def add_rule(browser, **fields):
    form = {"name": "r", "scope": "c2c_msg", "match": "keywords", "pattern": "", "action": "deny",
            "error_code": "", "error_info": "", "position": "0", "enabled": "1", **fields}
    return browser.post("/rules", data=form)


def test_keyword_pages_are_for_admins(app, signed_in):
    assert signed_in("operator").get("/keywords").status_code == 403
    assert add_list(signed_in("operator"), words="x").status_code == 403
    page = signed_in("admin").get("/keywords").get_data(as_text=True)
    assert "Keyword lists" in page and 'enctype="multipart/form-data"' in page


def test_create_dedupes_by_normalised_form_and_is_audited(app, admin):
    response = add_list(admin, words="Cheap\ncheap\nＣＨＥＡＰ\n  \n赌博\n", whole_word="1")
    assert response.status_code == 302
    (kw,) = lists(app)
    assert kw.words == "Cheap\n赌博" and kw.whole_word and kw.updated_by == "admin"
    (entry,) = audit_actions(app, "keywords.create")
    assert entry.outcome == "ok" and entry.detail["words"] == 2


def test_import_a_text_file_and_a_csv_file(app, admin):
    text = io.BytesIO("viagra\r\n伟哥\n".encode("utf-8-sig"))
    assert add_list(admin, name="t", file=(text, "words.txt")).status_code == 302
    csv_file = io.BytesIO("word,label\n\"casino, online\",Ad\nbet,Ad\n".encode())
    response = add_list(admin, name="c", words="kept", file=(csv_file, "words.csv"), import_mode="append")
    assert response.status_code == 302
    t, c = lists(app)
    assert t.words == "viagra\n伟哥"
    assert c.words == "kept\ncasino, online\nbet"


def test_a_gb18030_file_is_read(app, admin):
    data = io.BytesIO("赌博\n色情\n".encode("gb18030"))
    assert add_list(admin, file=(data, "cn.txt")).status_code == 302
    assert lists(app)[0].words == "赌博\n色情"


@pytest.mark.parametrize("fields,field", [
    ({"name": ""}, "name"),
    ({"name": "n" * 129}, "name"),
    ({"words": ""}, "words"),
    ({"words": "x" * 200}, "words"),
])
def test_bad_lists_are_refused_beside_the_field(app, admin, fields, field):
    response = add_list(admin, **{"words": "ok", **fields})
    assert response.status_code == 400
    assert 'class="field-problem"' in response.get_data(as_text=True)
    assert lists(app) == []


def test_a_csv_field_over_the_csv_limit_is_refused_and_the_limit_stays(app, admin):
    """Reading a keyword CSV leaves the csv module's process-wide field limit as it was: the
    shared form parser (console.forms.csv_rows) relies on it to refuse megabyte fields."""
    import csv

    limit = 128 * 1024  # the csv module's default
    csv.field_size_limit(limit)
    big = io.BytesIO(b"word\n" + b"x" * (limit + 1) + b"\n")
    response = add_list(admin, name="big", file=(big, "words.csv"))
    assert response.status_code == 400 and "CSV" in response.get_data(as_text=True)
    assert lists(app) == [] and csv.field_size_limit() == limit


def test_a_binary_file_is_refused(app, admin):
    response = add_list(admin, file=(io.BytesIO(b"\xff\xfe\x00\xd8" * 10), "x.txt"))
    assert response.status_code == 400 and lists(app) == []


def test_duplicate_names_are_refused(app, admin):
    add_list(admin, words="a")
    assert add_list(admin, words="b").status_code == 400


def test_export_text_and_csv(app, admin):
    kw = list_id(add_list(admin, words="one\n=cmd\n二"))
    text = admin.get(f"/keywords/{kw}/export.txt")
    assert text.status_code == 200 and text.get_data(as_text=True) == "one\n=cmd\n二\n"
    assert "attachment" in text.headers["Content-Disposition"]
    csv_text = admin.get(f"/keywords/{kw}/export.csv").get_data(as_text=True)
    assert csv_text.splitlines() == ["word", "one", "'=cmd", "二"]
    assert admin.get(f"/keywords/{kw}/export.exe").status_code == 404


def test_a_rule_matches_a_list_and_follows_its_edits(app, admin, callbacks):
    kw = list_id(add_list(admin, words="casino"))
    assert add_rule(admin, keyword_list_id=str(kw)).status_code == 302
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("best ＣＡＳＩＮＯ"))["ErrorCode"] == 1
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("poker night")) == OK
    response = admin.post(f"/keywords/{kw}", data={"name": "spam", "words": "casino\npoker"},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    # (another text: the same body again would be a re-delivery, answered as the first time)
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("poker tonight"))["ErrorCode"] == 1
    (entry,) = audit_actions(app, "keywords.update")
    assert entry.detail["added"] == 1 and entry.detail["removed"] == 0
    # a list that a rule uses cannot be deleted
    assert admin.post(f"/keywords/{kw}/delete").status_code == 400
    assert len(lists(app)) == 1


def test_whole_word_lists(app, admin, callbacks):
    kw = list_id(add_list(admin, words="ass", whole_word="1"))
    add_rule(admin, keyword_list_id=str(kw))
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("a classic passage")) == OK
    assert callbacks.ack("C2C.CallbackBeforeSendMsg", c2c("you ASS"))["ErrorCode"] == 1


def test_a_keyword_rule_needs_an_existing_list(app, admin):
    assert add_rule(admin).status_code == 400
    assert add_rule(admin, keyword_list_id="999").status_code == 400
    assert add_rule(admin, keyword_list_id="99999999999999999999").status_code == 400


def test_delete_an_unused_list(app, admin):
    kw = list_id(add_list(admin, words="x"))
    assert admin.post(f"/keywords/{kw}/delete").status_code == 302
    assert lists(app) == []
    assert [e.action for e in audit_actions(app, "keywords.delete")] == ["keywords.delete"]


# ---------------------------------------------------------------- pushing to IM (sandbox)

def test_push_to_local_keywords_shows_the_diff_then_pushes(app, admin, tim, audit_rows):
    tim.moderation.add_local_keywords(["stale", "casino"])
    kw = list_id(add_list(admin, words="casino\nbet\n赌博"))
    targets = admin.get(f"/keywords/{kw}/sync").get_data(as_text=True)
    assert 'value="local"' in targets and "cloud:" in targets
    plan = admin.post(f"/keywords/{kw}/sync/plan", data={"target": "local"}, htmx=True).get_data(as_text=True)
    assert "+ bet" in plan and "+ 赌博" in plan and "− stale" in plan and "+ casino" not in plan
    assert sorted(k.keyword for k in tim.moderation.list_local_keywords()) == ["casino", "stale"]  # not yet

    before = len(audit_rows())
    done = admin.post(f"/keywords/{kw}/sync", data={"target": "local"}, htmx=True)
    assert done.status_code == 200 and "Pushed" in done.get_data(as_text=True)
    assert sorted(k.keyword for k in tim.moderation.list_local_keywords()) == ["bet", "casino", "赌博"]
    actions = [r.action for r in audit_rows()[before:]]
    assert "moderation.delete_local_keywords" in actions and "moderation.add_local_keywords" in actions
    assert actions[-1] == "keywords.sync"
    assert lists(app)[0].synced_to == "local"


def test_push_to_a_cloud_library(app, admin, tim):
    library = tim.moderation.list_libraries()[0].id
    tim.moderation.add_cloud_keywords(library, ["old"])
    kw = list_id(add_list(admin, words="new\nword"))
    target = f"cloud:{library}"
    plan = admin.post(f"/keywords/{kw}/sync/plan", data={"target": target}, htmx=True).get_data(as_text=True)
    assert "+ new" in plan and "− old" in plan
    admin.post(f"/keywords/{kw}/sync", data={"target": target}, htmx=True)
    assert sorted(k.content for k in tim.moderation.list_cloud_keywords(library)) == ["new", "word"]
    again = admin.post(f"/keywords/{kw}/sync/plan", data={"target": target}, htmx=True).get_data(as_text=True)
    assert "already holds exactly these words (2)" in again


def test_a_bad_target_is_refused(app, admin):
    kw = list_id(add_list(admin, words="x"))
    response = admin.post(f"/keywords/{kw}/sync/plan", data={"target": "elsewhere"})
    assert response.status_code == 400
