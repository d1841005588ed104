"""Bots section: list, create, delete (typed confirmation), a bot's conversations; one audit row
per IM call, against the sandbox."""
from __future__ import annotations

import pytest

HX = {"HX-Request": "true"}


@pytest.fixture
def op(signed_in):
    return signed_in("operator")


def test_create_a_bot_lists_it_with_one_audit_row(app, op, tim, audit_rows):
    resp = op.post("/bots/create", {"user_id": "helper", "nick": "Helper"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Trigger"] == "bots-changed"
    assert "@RBT#helper" in resp.get_data(as_text=True)
    assert tim.bot.get_all_robots().bots == ["@RBT#helper"]
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("bot.create_robot", "ok") and "@RBT#helper" in row.targets
    page = op.get("/bots").get_data(as_text=True)
    assert "@RBT#helper" in page and "Create a bot" in page
    listing = op.get("/bots", headers={**HX, "HX-Target": "bot-list"}).get_data(as_text=True)
    assert "<html" not in listing and "@RBT#helper" in listing


def test_bad_input_is_a_message_beside_the_field_not_a_500(app, op, audit_rows):
    resp = op.post("/bots/create", {"user_id": "has space", "face_url": "not a url"}, htmx=True)
    assert resp.status_code in (200, 400) and "form-problems" in resp.headers.get("HX-Trigger", "")
    assert audit_rows() == []
    assert op.get("/bots/not-a-bot").status_code == 404


def test_delete_needs_the_typed_bot_id_and_an_admin(app, op, signed_in, tim, audit_rows):
    tim.bot.create_robot("@RBT#gone")
    assert op.post("/bots/%40RBT%23gone/delete", {"confirm": "@RBT#gone"}).status_code == 403
    assert "bot-delete-1" not in op.get("/bots").get_data(as_text=True)
    op = signed_in("admin")
    assert "bot-delete-1" in op.get("/bots").get_data(as_text=True)
    audit_rows_before = len(audit_rows())
    resp = op.post("/bots/%40RBT%23gone/delete", {"confirm": "gone"}, htmx=True)
    assert "form-problems" in resp.headers.get("HX-Trigger", "") and len(audit_rows()) == audit_rows_before
    resp = op.post("/bots/%40RBT%23gone/delete", {"confirm": "@RBT#gone"}, htmx=True)
    assert resp.status_code == 200 and "deleted" in resp.get_data(as_text=True)
    assert tim.bot.get_all_robots().bots == []
    [row] = audit_rows()[audit_rows_before:]
    assert (row.action, row.outcome) == ("bot.delete_robot", "ok")


def test_a_bots_conversations_and_roles(app, signed_in, tim, sandbox, audit_rows):
    from test_accounts_support import im_import

    im_import(sandbox, "ann")
    tim.bot.create_robot("@RBT#chat")
    tim.c2c.send_message("@RBT#chat", "hello bot", sender="ann")
    viewer = signed_in("viewer")
    page = viewer.get("/bots/%40RBT%23chat").get_data(as_text=True)
    assert ">ann</a>" in page
    assert [r.action for r in audit_rows()] == ["conversation.fetch_sessions"]
    assert viewer.post("/bots/create", {"user_id": "x"}).status_code == 403
    assert tim.bot.get_all_robots().bots == ["@RBT#chat"]
    assert "Create a bot" not in viewer.get("/bots").get_data(as_text=True)


def test_issue_17_pages_render_in_chinese(app, signed_in, tim, sandbox):
    """Every page and fragment of issue 17's people pages answers 200 in zh_Hans, translated."""
    from test_accounts_support import im_import

    im_import(sandbox, "ann", "ben")
    tim.bot.create_robot("@RBT#zh")
    tim.official_account.create("ann", "中文", account_id="@TOA#_zh")
    key = tim.c2c.send_message("ben", "hi", sender="ann", support_extension=True).msg_key
    admin = signed_in("admin")
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    pages = {"/bots": "机器人", "/bots/%40RBT%23zh": "机器人的会话", "/official": "公众号",
             "/official/%40TOA%23_zh": "解散", "/official/%40TOA%23_zh/subscribers": "订阅者",
             "/official/%40TOA%23_zh/messages": "撰写", "/moderation-services": "本地关键词",
             "/moderation-services/cloud": "云端关键词", "/moderation-services/check": "内容审核",
             "/moderation-services/files": "聊天文件", "/accounts/u/ann/social": "社交",
             "/accounts/u/ann/social/follows": "关注", "/accounts/u/ann/social/official": "已订阅的公众号",
             "/accounts/u/ann/conversation-groups": "会话分组", "/accounts/u/ann/conversation-groups/list": "会话分组",
             f"/messages/extensions?to=ben&sender=ann&msg_key={key}": "消息扩展",
             f"/messages/extensions/pairs?to=ben&sender=ann&msg_key={key}": "扩展",
             "/messages/conversation/page?a=ann&b=ben": "编辑"}
    for path, words in pages.items():
        resp = admin.get(path, headers=zh)
        assert resp.status_code == 200, path
        assert words in resp.get_data(as_text=True), path
