"""Groups pages against the sandbox: list and cache, create/import, the group page, edit, destroy.

Each action checks the sandbox's state and that exactly one audit row per IM call was written."""
from __future__ import annotations

import re
import time

import pytest
from groups_support import links_account

from console.models import GroupCache

USERS = ["alice", "bob", "carol", "dave", "erin"]


@pytest.fixture
def im(sandbox, tim):
    """The sandbox with a few imported accounts; returns its group state."""
    tim.account.import_accounts(USERS)
    return sandbox.state.groups


@pytest.fixture
def op(signed_in, im):
    return signed_in("operator")


@pytest.fixture
def admin(signed_in, im):
    return signed_in("admin")


def calls(audit_rows, since: int = 0) -> list[str]:
    """The IM endpoints audited after row number `since` (console actions left out)."""
    return [r.endpoint for r in audit_rows()[since:] if r.endpoint]


def create(browser, **form):
    data = {"type": "Public", "name": "Team", **form}
    return browser.post("/groups/new", data)


def new_group_id(resp) -> str:
    assert resp.status_code == 303, resp.get_data(as_text=True)[:800]
    return re.search(r"/groups/(.+)$", resp.headers["Location"]).group(1).replace("%23", "#").replace("%40", "@")


# ---- create ----------------------------------------------------------------------------------

def test_create_public_group_with_owner_and_members(op, im, audit_rows):
    before = len(audit_rows())
    resp = create(op, group_id="team-1", owner="alice", members="bob\ncarol,Admin", introduction="hi",
                  apply_join_option="FreeAccess", max_members="50")
    assert new_group_id(resp) == "team-1"
    group = im.get("team-1")
    assert group.type == "Public" and group.owner == "alice" and group.max_members == 50
    assert {a: m.role for a, m in group.members.items()} == {"alice": "Owner", "bob": "Member", "carol": "Admin"}
    assert calls(audit_rows, before) == ["group_open_http_svc/create_group", "group_open_http_svc/get_group_info"]
    assert all(r.outcome == "ok" for r in audit_rows()[before:])
    page = op.get("/groups/team-1").get_data(as_text=True)
    assert "Team" in page and links_account(page, "alice")


@pytest.mark.parametrize("form, problem", [
    ({"type": "AVChatRoom", "members": "bob"}, "cannot be created with members"),
    ({"type": "Community", "group_id": "plain-id"}, "must start with @TGS#_"),
    ({"type": "Public", "group_id": "@TGS#mine"}, "must not start with @TGS#"),
    ({"type": "Community", "apply_join_option": "FreeAccess"}, "Communities do not support a join option"),
    ({"type": "Private", "members": "bob,Admin"}, "no admin role"),
    ({"type": "AVChatRoom", "max_members": "10"}, "no member limit"),
    ({"type": "AVChatRoom", "invite_join_option": "FreeAccess"}, "take no invitations"),
    ({"type": "Public", "name": "x" * 31}, "longer than 30 bytes"),
    ({"type": "Public", "name": ""}, "Name is required"),
    ({"type": "Nope"}, "Choose a group type"),
    ({"type": "Public", "max_members": "abc"}, "whole number"),
])
def test_create_validation_per_type(op, im, audit_rows, form, problem):
    before = len(audit_rows())
    resp = create(op, **form)
    assert resp.status_code == 400
    assert problem in resp.get_data(as_text=True)
    assert calls(audit_rows, before) == [] and im.groups == {}


def test_create_community_with_custom_id_and_avchatroom(op, im):
    assert new_group_id(create(op, type="Community", group_id="@TGS#_fans", name="Fans")) == "@TGS#_fans"
    assert im.get("@TGS#_fans").type == "Community"
    gid = new_group_id(create(op, type="AVChatRoom", name="Live"))
    assert im.get(gid).type == "AVChatRoom"


def test_create_im_error_is_shown_with_code_and_hint(op, im, audit_rows):
    assert create(op, group_id="dup").status_code == 303
    resp = create(op, group_id="dup")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "10021" in page and "already used" in page  # the request's fault
    assert audit_rows()[-1].outcome == "failed" and audit_rows()[-1].error_code == 10021


def test_viewer_cannot_create(signed_in, im):
    assert signed_in("viewer").post("/groups/new", {"type": "Public", "name": "x"}).status_code == 403
    assert im.groups == {}


def test_import_group_with_history_fields(op, im, audit_rows):
    before = len(audit_rows())
    past = int(time.time()) - 86400 * 30
    resp = op.post("/groups/import", {"type": "ChatRoom", "name": "Old", "group_id": "old-1", "owner": "alice",
                                      "create_time": str(past)})
    assert new_group_id(resp) == "old-1"
    assert im.get("old-1").create_time == past
    assert calls(audit_rows, before)[0] == "group_open_http_svc/import_group"
    assert op.post("/groups/import", {"type": "AVChatRoom", "name": "x"}).status_code == 400
    future = op.post("/groups/import", {"type": "Public", "name": "x", "create_time": str(int(time.time()) + 999)})
    assert future.status_code == 400 and "in the past" in future.get_data(as_text=True)


# ---- list, cache, refresh job ----------------------------------------------------------------

def test_list_shows_every_group_with_type_filter_and_fills_the_cache(op, im, tim, app, audit_rows, no_rate_limits):
    tim.group.create_group("Public", "Alpha", owner="alice", group_id="g-alpha")
    tim.group.create_group("ChatRoom", "Beta", group_id="g-beta")
    before = len(audit_rows())
    page = op.get("/groups").get_data(as_text=True)
    assert "g-alpha" in page and "g-beta" in page and "Alpha" in page
    assert calls(audit_rows, before) == ["group_open_http_svc/get_appid_group_list",
                                         "group_open_http_svc/get_group_info"]
    # get_appid_group_list again at once (rate limits off)
    page = op.get("/groups?type=ChatRoom").get_data(as_text=True)
    assert "g-beta" in page and "g-alpha" not in page
    from console import db
    with db.new_session(app) as sess:
        assert {r.group_id for r in sess.query(GroupCache)} == {"g-alpha", "g-beta"}


def test_refresh_job_and_cache_search(op, im, tim, app, audit_rows, sandbox, no_rate_limits):
    for n in range(3):
        tim.group.create_group("Public", f"Sales {n}", group_id=f"sales-{n}")
    tim.group.create_group("Public", "Support", group_id="support")
    before = len(audit_rows())
    resp = op.post("/groups/refresh", {}, htmx=True)
    assert resp.status_code == 200 and "groups.refresh_cache" in resp.get_data(as_text=True)
    rows = audit_rows()[before:]
    assert [r.endpoint for r in rows] == ["group_open_http_svc/get_appid_group_list",
                                          "group_open_http_svc/get_group_info"]
    assert rows[1].job_id is not None and rows[1].source == "job"
    page = op.get("/groups?q=SALES").get_data(as_text=True)
    assert all(f"sales-{n}" in page for n in range(3)) and "support" not in page
    assert len(audit_rows()) == before + 2   # searching reads only the cache
    # a group destroyed behind the console's back disappears at the next refresh
    tim.group.destroy_group("sales-0")
    op.post("/groups/refresh", {}, htmx=True)
    assert "sales-0" not in op.get("/groups?q=sales").get_data(as_text=True)


# ---- group page, edit, destroy ---------------------------------------------------------------

def test_group_page_shows_base_fields_and_type_restrictions(op, im, tim):
    tim.group.create_group("Community", "Club", group_id="@TGS#_club", owner="alice",
                           introduction="about", notification="notice")
    page = op.get("/groups/@TGS%23_club").get_data(as_text=True)
    for text in ("Club", "about", "notice", "Community", "Next message seq"):
        assert text in page
    assert "Communities do not support a join option" in page
    assert op.get("/groups/nope-404").status_code == 404


def test_avchatroom_page_shows_online_count_and_disables_forbidden_controls(op, im, tim, sandbox, audit_rows):
    gid = tim.group.create_group("AVChatRoom", "Live").group_id
    sandbox.state.groups.join_online(gid, "alice")
    sandbox.state.groups.join_online(gid, "bob")
    before = len(audit_rows())
    page = op.get(f"/groups/{gid.replace('#', '%23')}").get_data(as_text=True)
    assert re.search(r'id="online-count"[^>]*>2<', page)
    assert "group_open_http_svc/get_online_member_num" in calls(audit_rows, before)
    assert "no member limit" in page
    members = op.get(f"/groups/{gid.replace('#', '%23')}/members").get_data(as_text=True)
    assert "keep no member list" in members and "data-disabled-reason" in members
    resp = op.post(f"/groups/{gid.replace('#', '%23')}/members/add", {"accounts": "bob"}, htmx=True)
    assert "refuses to add members" in resp.get_data(as_text=True)


def test_edit_changes_only_what_changed(op, im, tim, audit_rows):
    tim.group.create_group("Public", "Old name", group_id="ed", owner="alice")
    form = {"name": "New name", "introduction": "intro", "notification": "", "face_url": "",
            "max_members": "100", "apply_join_option": "FreeAccess", "mute_all": "On", "custom": ""}
    before = len(audit_rows())
    resp = op.post("/groups/ed/edit", form, htmx=True)
    assert resp.status_code == 204 and resp.headers["HX-Redirect"] == "/groups/ed"
    group = im.get("ed")
    assert (group.name, group.introduction, group.max_members, group.apply_join, group.mute_all) == \
        ("New name", "intro", 100, "FreeAccess", True)
    modify = [r for r in audit_rows()[before:] if r.endpoint == "group_open_http_svc/modify_group_base_info"]
    assert len(modify) == 1
    assert set(modify[0].request) - {"GroupId"} == {"Name", "Introduction", "MaxMemberNum", "ApplyJoinOption",
                                                    "MuteAllMember"}
    same = op.post("/groups/ed/edit", form, htmx=True)
    assert "Nothing changed" in same.get_data(as_text=True)
    low = op.post("/groups/ed/edit", {**form, "max_members": "0"}, htmx=True)
    assert "between 1 and" in low.get_data(as_text=True)


def test_edit_im_error_becomes_a_toast(op, im, tim, sandbox):
    tim.group.create_group("Public", "Team", group_id="tt")
    sandbox.faults.set(error_rate=1.0, error_code=10007, endpoints=["group_open_http_svc/modify_group_base_info"])
    resp = op.post("/groups/tt/edit", {"name": "Other"}, htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.headers["HX-Retarget"] == "#toasts" and "10007" in body and "No permission" in body


def test_destroy_needs_the_typed_id_and_the_admin_role(op, admin, im, tim, app, audit_rows):
    tim.group.create_group("Public", "Doomed", group_id="doomed")
    op.get("/groups")  # caches it
    assert op.post("/groups/doomed/destroy", {"confirm": "doomed"}).status_code == 403
    before = len(audit_rows())
    wrong = admin.post("/groups/doomed/destroy", {"confirm": "doome"}, htmx=True)
    assert "Type the group ID" in wrong.get_data(as_text=True) and im.get("doomed") is not None
    assert calls(audit_rows, before) == []
    resp = admin.post("/groups/doomed/destroy", {"confirm": "doomed"}, htmx=True)
    assert resp.headers["HX-Redirect"] == "/groups" and im.get("doomed") is None
    assert calls(audit_rows, before) == ["group_open_http_svc/destroy_group"]
    from console import db
    with db.new_session(app) as sess:
        assert sess.get(GroupCache, "doomed") is None


def test_group_ids_with_slashes_and_hashes_route(op, im, tim):
    tim.group.create_group("Public", "Slashy", group_id="a/b#c")
    assert "Slashy" in op.get("/groups/a/b%23c").get_data(as_text=True)
    assert op.get("/groups/a/b%23c/members").status_code == 200


def test_custom_fields_are_set_changed_and_deleted(op, im, audit_rows):
    resp = create(op, group_id="cf", custom="Level=3\nColor=red", invite_join_option="NeedPermission")
    assert resp.status_code == 303
    assert im.get("cf").app_data == {"Level": "3", "Color": "red"} and im.get("cf").invite_join == "NeedPermission"
    page = op.get("/groups/cf").get_data(as_text=True)
    assert "Level=3\nColor=red" in page   # the edit form shows them as lines
    form = {"name": "Team", "custom": "Level=4"}
    assert op.post("/groups/cf/edit", form, htmx=True).status_code == 204
    assert im.get("cf").app_data == {"Level": "4"}
    sent = [r.request for r in audit_rows() if r.endpoint == "group_open_http_svc/modify_group_base_info"][-1]
    assert sorted(kv["Value"] for kv in sent["AppDefinedData"]) == ["", "4"]   # "" deletes Color
    bad = op.post("/groups/cf/edit", {"name": "Team", "custom": "no equals sign"}, htmx=True)
    assert "Key=Value" in bad.get_data(as_text=True)
