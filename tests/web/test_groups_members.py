"""The members tab against the sandbox: list, search, and every member action with its audit rows."""
from __future__ import annotations

import re
import time

import pytest
from groups_support import links_account, op, team  # noqa: F401  (op: a fixture)
from sqlalchemy import select

USERS = [f"u{n:02d}" for n in range(30)] + ["alice", "bob", "carol"]
ADD = "group_open_http_svc/add_group_member"


@pytest.fixture
def im(sandbox, tim):
    return team(sandbox, tim, USERS)


def since(audit_rows, n):
    return [r for r in audit_rows()[n:] if r.endpoint]


def test_members_list_with_fields_links_and_paging(op, im, tim, audit_rows):
    tim.group.add_members("team", USERS[:30])
    tim.group.update_member("team", "bob", name_card="Bobby")
    tim.group.forbid_send_message("team", ["carol"], 600)
    before = len(audit_rows())
    page = op.get("/groups/team/members").get_data(as_text=True)
    assert links_account(page, "bob") and "Bobby" in page and "Owner" in page
    assert "33 members in total" in page and "Next page" not in page
    assert [r.endpoint for r in since(audit_rows, before)] == [
        "group_open_http_svc/get_group_info", "group_open_http_svc/get_group_muted_account",
        "group_open_http_svc/get_group_member_info"]
    assert 'id="muted-list"' in page and links_account(page.split('id="muted-list"')[1], "carol")
    # 33 members, 50 a page: one page; search scans the members
    found = op.get("/groups/team/members?q=BOBBY").get_data(as_text=True)
    assert 'data-member="bob"' in found and 'data-member="u01"' not in found


def test_community_members_page_with_cursor(op, im, tim):
    tim.group.create_group("Community", "Club", group_id="@TGS#_club", owner="alice", members=USERS[:10])
    page = op.get("/groups/@TGS%23_club/members").get_data(as_text=True)
    assert 'data-member="u09"' in page


def test_add_members_in_documented_batches_with_per_item_results(op, im, audit_rows):
    before = len(audit_rows())
    accounts = "\n".join(USERS[:25]) + "\nbob\nnobody-here"
    resp = op.post("/groups/team/members/add", {"accounts": accounts, "silence": "1"}, htmx=True)
    body = resp.get_data(as_text=True)
    adds = [r for r in since(audit_rows, before) if r.endpoint == ADD]
    assert len(adds) == 3   # 27 accounts: 20 + 7, and the 7 again without the unknown one
    assert [len(r.request["MemberList"]) for r in adds] == [20, 7, 6] and adds[0].request["Silence"] == 1
    # IM refused the second batch as a whole (an unknown account, 10019): account_check found it,
    # the six others went in on a second try
    assert all(u in im.get("team").members for u in USERS[:25])
    assert [r.outcome for r in adds] == ["ok", "failed", "ok"] and adds[1].error_code == 10019
    rows = body.split("<tbody>")[1]
    assert rows.count("badge-ok") == 26 and rows.count("badge-failed") == 1 and rows.count("10019") == 1
    assert "never imported" in rows.split("nobody-here")[1].split("</tr>")[0]


def test_add_members_im_error_for_the_group_is_a_toast(op, im, audit_rows):
    resp = op.post("/groups/gone/members/add", {"accounts": "u01"}, htmx=True)
    assert resp.headers.get("HX-Retarget") == "#toasts" and "10010" in resp.get_data(as_text=True)
    # the group read fails per item (top level OK): nothing else is called
    assert [(r.endpoint, r.outcome) for r in audit_rows()] == [("group_open_http_svc/get_group_info", "partial")]


def test_add_many_members_runs_as_a_job(op, im, tim, app, audit_rows):
    tim.account.import_accounts([f"m{n:03d}" for n in range(100)])
    tim.account.import_accounts([f"m{n:03d}" for n in range(100, 110)])
    before = len(audit_rows())
    resp = op.post("/groups/team/members/add", {"accounts": " ".join(f"m{n:03d}" for n in range(110))},
                   htmx=True)
    assert "groups.add_members" in resp.get_data(as_text=True)
    adds = [r for r in since(audit_rows, before) if r.endpoint == ADD]
    assert len(adds) == 6 and all(r.job_id for r in adds)
    assert len(im.get("team").members) == 113
    from console import db
    from console.models import JobResult
    with db.new_session(app) as sess:
        assert len(sess.scalars(select(JobResult).where(JobResult.ok.is_(True))).all()) == 110


def test_remove_members_with_reason_and_silence(op, im, audit_rows):
    before = len(audit_rows())
    resp = op.post("/groups/team/members/remove", {"accounts": "bob", "reason": "spam", "silence": "1"},
                   htmx=True)
    assert resp.status_code == 200 and "bob" not in im.get("team").members
    assert "1 member removed." in resp.get_data(as_text=True)
    assert "members-changed" in resp.headers["HX-Trigger"] and "selection-clear" in resp.headers["HX-Trigger"]
    row = [r for r in since(audit_rows, before) if r.endpoint == "group_open_http_svc/delete_group_member"]
    assert len(row) == 1 and row[0].request["Reason"] == "spam" and row[0].request["Silence"] == 1
    assert "give at least one" in op.post("/groups/team/members/remove", {"accounts": ""}, htmx=True) \
        .get_data(as_text=True)


def test_role_name_card_unread_and_owner(op, im, audit_rows):
    assert op.post("/groups/team/members/role", {"account": "bob", "role": "Admin"}, htmx=True).status_code == 204
    assert im.get("team").members["bob"].role == "Admin"
    assert op.post("/groups/team/members/namecard", {"account": "carol", "name_card": "Caz"},
                   htmx=True).status_code == 204
    assert im.get("team").members["carol"].name_card == "Caz"
    too_long = op.post("/groups/team/members/namecard", {"account": "carol", "name_card": "x" * 51}, htmx=True)
    assert "longer than 50 bytes" in too_long.get_data(as_text=True)
    assert op.post("/groups/team/members/unread", {"account": "carol", "unread": "0"}, htmx=True).status_code == 204
    before = len(audit_rows())
    assert op.post("/groups/team/members/owner", {"account": "carol"}, htmx=True).status_code == 204
    assert im.get("team").owner == "carol"
    assert [r.endpoint for r in since(audit_rows, before)] == ["group_open_http_svc/get_group_info",
                                                               "group_open_http_svc/change_group_owner"]
    again = op.post("/groups/team/members/owner", {"account": "carol"}, htmx=True)
    assert "already owns" in again.get_data(as_text=True)


def test_mute_for_a_duration_then_unmute(op, im, sandbox):
    resp = op.post("/groups/team/members/mute", {"accounts": "bob", "duration": "2", "unit": "hours",
                                                 "action": "mute"}, htmx=True)
    assert resp.status_code == 200 and "1 member muted." in resp.get_data(as_text=True)
    until = im.get("team").mutes["bob"]
    assert abs(until - (time.time() + 7200)) < 30
    page = op.get("/groups/team/members").get_data(as_text=True)
    assert links_account(page.split('id="muted-list"')[1], "bob")
    op.post("/groups/team/members/mute", {"accounts": "bob", "action": "unmute"}, htmx=True)
    assert im.get("team").mute_until("bob", time.time()) == 0
    bad = op.post("/groups/team/members/mute", {"accounts": "bob", "duration": "x", "action": "mute"}, htmx=True)
    assert "whole number" in bad.get_data(as_text=True)
    forever = op.post("/groups/team/members/mute", {"accounts": "carol", "unit": "forever", "action": "mute"},
                      htmx=True)
    assert forever.status_code == 200 and im.get("team").mutes["carol"] == 4294967295


def test_private_groups_refuse_mute_and_admins_before_calling_im(op, im, tim, audit_rows):
    tim.group.create_group("Private", "Work", group_id="workgrp", owner="alice", members=["bob"])
    before = len(audit_rows())
    mute = op.post("/groups/workgrp/members/mute", {"accounts": "bob", "duration": "1", "action": "mute"},
                   htmx=True)
    role = op.post("/groups/workgrp/members/role", {"account": "bob", "role": "Admin"}, htmx=True)
    assert "do not support muting" in mute.get_data(as_text=True)
    assert "no admin role" in role.get_data(as_text=True)
    assert [r.endpoint for r in since(audit_rows, before)] == ["group_open_http_svc/get_group_info"] * 2


def test_import_members_and_look_up_roles(op, im, tim, audit_rows):
    now = int(time.time())
    tim.group.import_group("Public", "Old", group_id="old", owner="bob", create_time=now - 3600)
    join = now - 60
    resp = op.post("/groups/old/members/import", {"members": f"u01,Admin,{join},0\nu02\nbob\nu03,,{now - 7200}"},
                   htmx=True)
    body = resp.get_data(as_text=True)
    assert im.get("old").members["u01"].role == "Admin" and im.get("old").members["u01"].join_time == join
    assert "u02" in im.get("old").members and "u03" not in im.get("old").members   # joined before creation
    assert "already a member" in body and body.split("<tbody>")[1].count("badge-failed") == 1
    roles = op.post("/groups/old/members/roles", {"accounts": "bob, u01 nobody"}, htmx=True).get_data(as_text=True)
    assert "Owner" in roles and "Admin" in roles and "NotMember" in roles
    bad = op.post("/groups/old/members/import", {"members": "u03,Boss"}, htmx=True)
    assert "may only be Admin" in bad.get_data(as_text=True)


def test_viewer_reads_but_cannot_act(signed_in, im):
    viewer = signed_in("viewer")
    assert viewer.get("/groups/team/members").status_code == 200
    assert viewer.post("/groups/team/members/add", {"accounts": "u01"}).status_code == 403
    assert "u01" not in im.get("team").members


def test_members_page_by_offset(op, im, tim):
    tim.account.import_accounts([f"p{n:02d}" for n in range(60)])
    tim.group.add_members("team", [f"p{n:02d}" for n in range(60)])   # 63 members in all
    first = op.get("/groups/team/members").get_data(as_text=True)
    assert first.count("data-member=") == 50 and "offset=50" in first
    second = op.get("/groups/team/members?offset=50").get_data(as_text=True)
    assert second.count("data-member=") == 13 and "Next page" not in second
    assert not set(re.findall(r'data-member="([^"]+)"', first)) & set(re.findall(r'data-member="([^"]+)"', second))


def test_avchatroom_members_tab_still_mutes(op, im, tim, sandbox):
    gid = tim.group.create_group("AVChatRoom", "Live").group_id
    url = "/groups/" + gid.replace("#", "%23")
    assert op.post(url + "/members/mute", {"accounts": "bob", "duration": "1", "unit": "days", "action": "mute"},
                   htmx=True).status_code == 200
    assert links_account(op.get(url + "/members").get_data(as_text=True).split('id="muted-list"')[1], "bob")
    remove = op.post(url + "/members/remove", {"accounts": "bob"}, htmx=True)
    assert "keep no member list" in remove.get_data(as_text=True)
