"""Group depth pages against the sandbox: attributes, counters, bans, read receipts, message edits,
clearing history, the broadcast and the AVChatRoom Live tab. Each action writes its one audit row."""
from __future__ import annotations

import pytest
from groups_support import links_account, op, team  # noqa: F401  (op: a fixture)

USERS = ["alice", "bob", "carol", "dave"]


@pytest.fixture
def im(sandbox, tim):
    groups = team(sandbox, tim, USERS)
    tim.group.create_group("AVChatRoom", "Live", group_id="live", owner="alice")
    for user in ("bob", "carol"):
        sandbox.state.groups.join_online("live", user)
    return groups


READS = {"group.get_groups", "group.fetch_messages"}


def new_rows(audit_rows, before):
    """The audit rows since `before`, without the reads an action makes before its change."""
    return [(r.action, r.outcome) for r in audit_rows()[before:] if r.action not in READS]


def act(browser, audit_rows, url, form, action, status=204):
    """Post `form` to `url` with htmx: the change it makes to IM is the one `action` row."""
    before = len(audit_rows())
    resp = browser.post(url, form, htmx=True)
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    rows = new_rows(audit_rows, before)
    assert rows == [(action, "ok")], rows
    return resp


# ---- attributes and counters -------------------------------------------------------------------

def test_attributes_edit_replace_delete_clear(op, im, tim, audit_rows):
    act(op, audit_rows, "/groups/team/data/attrs", {"attrs": "seat1=bob\nseat2=carol", "action": "modify"},
        "group.modify_group_attrs")
    assert tim.group.get_group_attrs("team").attrs == {"seat1": "bob", "seat2": "carol"}
    page = op.get("/groups/team/data").get_data(as_text=True)
    assert 'data-attr="seat1"' in page and "carol" in page
    act(op, audit_rows, "/groups/team/data/attrs", {"attrs": "only=1", "action": "replace"}, "group.set_group_attrs")
    assert tim.group.get_group_attrs("team").attrs == {"only": "1"}
    tim.group.modify_group_attrs("team", {"x": "y"})
    act(op, audit_rows, "/groups/team/data/attrs/delete", {"keys": "x"}, "group.delete_group_attrs")
    assert tim.group.get_group_attrs("team").attrs == {"only": "1"}
    act(op, audit_rows, "/groups/team/data/attrs/clear", {}, "group.clear_group_attrs")
    assert tim.group.get_group_attrs("team").attrs == {}


@pytest.mark.parametrize("attrs, problem", [
    ("no equals sign", "write key=value"),
    ("", "at least one"),
    ("k" * 33 + "=v", "at most 32 bytes"),
])
def test_bad_attributes_are_refused_beside_the_field(op, im, audit_rows, attrs, problem):
    before = len(audit_rows())
    resp = op.post("/groups/team/data/attrs", {"attrs": attrs}, htmx=True)
    assert resp.status_code in (200, 400) and problem in resp.get_data(as_text=True)
    assert new_rows(audit_rows, before) == []


def test_counters_set_increase_decrease_delete(op, im, tim, audit_rows):
    act(op, audit_rows, "/groups/team/data/counters", {"key": "likes", "mode": "set", "value": "10"},
        "group.update_group_counters")
    act(op, audit_rows, "/groups/team/data/counters", {"key": "likes", "mode": "increase", "value": "5"},
        "group.update_group_counters")
    act(op, audit_rows, "/groups/team/data/counters", {"key": "likes", "mode": "decrease", "value": "3"},
        "group.update_group_counters")
    assert tim.group.get_group_counters("team").counters == {"likes": 12}
    page = op.get("/groups/team/data").get_data(as_text=True)
    assert 'data-counter="likes"' in page and ">12<" in page
    act(op, audit_rows, "/groups/team/data/counters/delete", {"keys": "likes"}, "group.delete_group_counters")
    assert tim.group.get_group_counters("team").counters == {}


def test_counter_value_must_be_a_number(op, im):
    resp = op.post("/groups/team/data/counters", {"key": "likes", "mode": "set", "value": "many"}, htmx=True)
    assert resp.status_code in (200, 400) and "Value" in resp.get_data(as_text=True)


def test_viewer_reads_the_data_tab_but_cannot_write(signed_in, im):
    viewer = signed_in("viewer")
    page = viewer.get("/groups/team/data")
    assert page.status_code == 200 and "Edit attributes" not in page.get_data(as_text=True)
    assert viewer.post("/groups/team/data/attrs", {"attrs": "a=b"}).status_code == 403


# ---- bans ----------------------------------------------------------------------------------------

def test_ban_with_reason_lists_who_banned_whom_and_unban(op, im, tim, audit_rows):
    act(op, audit_rows, "/groups/team/bans/ban",
        {"accounts": "bob", "duration": "2", "unit": "hours", "reason": "spam links"}, "group.ban_members")
    row = audit_rows()[-1]
    assert row.operator_name and row.request["Description"] == "spam links" and "bob" in row.targets
    assert [m.id for m in tim.group.fetch_banned_members("team").members] == ["bob"]
    page = op.get("/groups/team/bans").get_data(as_text=True)
    assert 'data-banned="bob"' in page and "spam links" in page and row.operator_name in page
    assert f"/audit/{row.id}" in page
    act(op, audit_rows, "/groups/team/bans/unban", {"accounts": "bob"}, "group.unban_members")
    assert tim.group.fetch_banned_members("team").members == []


def test_ban_needs_accounts_and_duration(op, im, audit_rows):
    before = len(audit_rows())
    resp = op.post("/groups/team/bans/ban", {"accounts": "", "duration": "x", "unit": "hours"}, htmx=True)
    assert resp.status_code in (200, 400)
    text = resp.get_data(as_text=True)
    assert "Accounts" in text and "Duration" in text
    assert new_rows(audit_rows, before) == []


# ---- one message: receipts and edits; clearing the history --------------------------------------------

def test_message_page_shows_read_receipts(op, im, tim):
    seq = tim.group.send_message("team", "please read", sender="alice", need_read_receipt=True).msg_seq
    tim.group.send_read_receipts("team", "bob", [seq])
    history = op.get("/groups/team/messages").get_data(as_text=True)
    assert f'href="/groups/team/messages/{seq}"' in history
    page = op.get(f"/groups/team/messages/{seq}").get_data(as_text=True)
    assert "please read" in page and "1 member read it" in page and "1 member has not" in page
    readers = page[page.index('id="readers"'):page.index('id="non-readers"')]
    assert links_account(readers, "bob") and not links_account(readers, "carol")
    assert links_account(page[page.index('id="non-readers"'):], "carol")


def test_message_without_receipts_and_unknown_seq(op, im, tim):
    seq = tim.group.send_message("team", "plain", sender="alice").msg_seq
    assert "not sent with a read receipt request" in op.get(f"/groups/team/messages/{seq}").get_data(as_text=True)
    assert op.get("/groups/team/messages/999").status_code == 404


def test_edit_keeps_old_and_new_body_side_by_side_in_the_audit(op, im, tim, audit_rows, signed_in):
    seq = tim.group.send_message("team", "old words", sender="alice").msg_seq
    act(op, audit_rows, f"/groups/team/messages/{seq}/edit", {"text": "new words"}, "group.modify_message")
    row = audit_rows()[-1]
    assert row.detail["before"][0]["MsgContent"]["Text"] == "old words"
    assert row.detail["after"][0]["MsgContent"]["Text"] == "new words"
    stored = tim.group.fetch_messages("team", 1, seq).messages[0]
    assert stored.body[0]["MsgContent"]["Text"] == "new words"
    page = signed_in("admin").get(f"/audit/{row.id}").get_data(as_text=True)
    side = page[page.index('id="before-after"'):]
    assert side.index("old words") < side.index("new words")
    # the detail belongs to the edit alone: the rows after it carry none
    act(op, audit_rows, "/groups/team/data/counters", {"key": "k", "value": "1"}, "group.update_group_counters")
    assert audit_rows()[-1].detail is None
    assert 'id="before-after"' not in signed_in("admin").get(f"/audit/{audit_rows()[-1].id}").get_data(as_text=True)


def test_clear_history_needs_the_typed_group_id(signed_in, im, tim, audit_rows):
    admin = signed_in("admin")
    tim.group.send_message("team", "one", sender="alice")
    before = len(audit_rows())
    resp = admin.post("/groups/team/messages/clear", {"confirm": "tea"}, htmx=True)
    assert resp.status_code in (200, 400) and "Type the group ID" in resp.get_data(as_text=True)
    assert new_rows(audit_rows, before) == []
    act(admin, audit_rows, "/groups/team/messages/clear", {"confirm": "team"}, "group.clear_messages")


def test_clear_history_is_for_admins(op, im):
    assert op.post("/groups/team/messages/clear", {"confirm": "team"}).status_code == 403


# ---- broadcast -----------------------------------------------------------------------------------

def test_broadcast_to_every_live_group(signed_in, im, audit_rows, op):
    admin = signed_in("admin")
    assert admin.get("/groups/broadcast").status_code == 200
    act(admin, audit_rows, "/groups/broadcast", {"kind": "text", "text": "maintenance at noon"},
        "group.send_broadcast")
    assert audit_rows()[-1].request["MsgBody"][0]["MsgContent"]["Text"] == "maintenance at noon"
    assert op.get("/groups/broadcast").status_code == 403


# ---- AVChatRoom: online members, marks, admins ------------------------------------------------------

def test_live_tab_online_members_marks_and_admins(op, im, tim, audit_rows):
    page = op.get("/groups/live/live").get_data(as_text=True)
    assert 'data-online="bob"' in page and 'data-online="carol"' in page
    resp = act(op, audit_rows, "/groups/live/live/marks", {"accounts": "bob", "marks": "1001", "action": "set"},
               "avchatroom.set_member_marks", status=200)
    assert "1001" in resp.get_data(as_text=True)
    page = op.get("/groups/live/live?mark=1001").get_data(as_text=True)
    assert 'data-online="bob"' in page and 'data-online="carol"' not in page
    act(op, audit_rows, "/groups/live/live/marks", {"accounts": "bob", "marks": "1001", "action": "remove"},
        "avchatroom.remove_member_marks", status=200)
    act(op, audit_rows, "/groups/live/live/admins", {"accounts": "dave", "action": "add"}, "avchatroom.add_admins")
    assert [a.id for a in tim.avchatroom.get_admins("live").items] == ["dave"]
    assert 'data-admin="dave"' in op.get("/groups/live/live").get_data(as_text=True)
    act(op, audit_rows, "/groups/live/live/admins", {"accounts": "dave", "action": "remove"},
        "avchatroom.remove_admins")
    assert tim.avchatroom.get_admins("live").items == []


def test_live_tab_explains_itself_on_other_groups(op, im):
    page = op.get("/groups/team/live").get_data(as_text=True)
    assert "Only live groups (AVChatRoom)" in page
    assert op.post("/groups/team/live/admins", {"accounts": "dave"}, htmx=True).status_code in (200, 400)


@pytest.mark.parametrize("marks, problem", [("12", "not a mark"), ("", "at least one mark"), ("x", "Marks")])
def test_bad_marks_are_refused(op, im, marks, problem):
    resp = op.post("/groups/live/live/marks", {"accounts": "bob", "marks": marks}, htmx=True)
    assert resp.status_code in (200, 400) and problem in resp.get_data(as_text=True)


def test_send_asking_for_read_receipts_then_count_them(op, im, tim):
    assert op.post("/groups/team/messages/send", {"kind": "text", "text": "read me", "need_read_receipt": "1"},
                   htmx=True).status_code == 204
    seq = tim.group.fetch_messages("team", 1).messages[0].msg_seq
    page = op.get(f"/groups/team/messages/{seq}").get_data(as_text=True)
    assert "0 members read it" in page and "3 members have not" in page


def test_viewer_reads_every_depth_page_without_forms(signed_in, im, tim):
    seq = tim.group.send_message("team", "hello", sender="alice").msg_seq
    viewer = signed_in("viewer")
    for url, form in [("/groups/team/bans", "Ban accounts"), (f"/groups/team/messages/{seq}", "Edit the stored message"),
                      ("/groups/live/live", "Member marks"), ("/groups/team/messages", "Clear the history")]:
        page = viewer.get(url)
        assert page.status_code == 200 and form not in page.get_data(as_text=True), url
    assert viewer.get("/groups/broadcast").status_code == 403
    assert viewer.post("/groups/team/bans/ban", {"accounts": "bob", "duration": "1"}).status_code == 403
    assert viewer.post("/groups/live/live/admins", {"accounts": "bob"}).status_code == 403
