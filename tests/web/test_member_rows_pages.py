"""Acting on member rows (issue #15 items 2, 3): the dialogs name the count and who, the answers
say per row what happened (non-members named as such), and the rows reload in place."""
from __future__ import annotations

import html
import re
import time

import pytest
from groups_support import op, team  # noqa: F401  (op: a fixture)

HX = {"HX-Request": "true"}
USERS = ["alice", "bob", "carol", "dave", "erin", "csvuser_0022"]


@pytest.fixture
def im(sandbox, tim):
    state = team(sandbox, tim, USERS)
    tim.group.add_members("team", ["dave", "erin"])
    return state


def text(resp) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))).replace("  ", " ")


def test_rows_have_checkboxes_toolbar_and_row_menus(op, im):
    page = op.get("/groups/team/members").get_data(as_text=True)
    assert page.count('data-select-row="members"') == 5 and 'data-select-all="members"' in page
    assert 'data-selection-bar="members"' in page and 'data-rows-dialog="/groups/team/members/dialog/mute"' in page
    bob_row = page.split('data-member="bob"')[1].split("</tr>")[0]
    assert 'hx-get="/groups/team/members/dialog/remove?accounts=bob"' in bob_row
    # the owner's row offers no removal
    alice_row = page.split('data-member="alice"')[1].split("</tr>")[0]
    assert "dialog/remove" not in alice_row and 'id="row-dialog"' in page


def test_viewers_get_no_selection(signed_in, im):
    page = signed_in("viewer").get("/groups/team/members").get_data(as_text=True)
    assert "data-select-row" not in page and "row-menu" not in page and 'data-member="bob"' in page


def test_remove_dialog_names_the_count_and_the_target(op, im, audit_rows):
    before = len(audit_rows())
    one = op.get("/groups/team/members/dialog/remove?accounts=csvuser_0022", headers=HX)
    body = text(one)
    assert "Remove 1 member from the group: csvuser_0022" in body and "Remove 1 member" in body
    assert 'name="accounts" value="csvuser_0022"' in one.get_data(as_text=True)
    assert "data-open-now" in one.get_data(as_text=True)
    three = text(op.get("/groups/team/members/dialog/mute?accounts=bob&accounts=carol&accounts=dave", headers=HX))
    assert "Mute 3 members in this group: bob, carol, dave" in three
    # a dialog is only a page: one read of the group, nothing written
    assert [r.endpoint for r in audit_rows()[before:]] == ["group_open_http_svc/get_group_info"] * 2


def test_dialog_in_chinese_uses_plural_forms(op, im):
    op.post("/me/preferences", {"lang": "zh_Hans"})
    body = text(op.get("/groups/team/members/dialog/remove?accounts=bob&accounts=carol", headers=HX))
    assert "bob, carol" in body and "2" in body and "Remove" not in body


def test_bad_dialog_requests_are_refused(op, im):
    assert op.get("/groups/team/members/dialog/explode?accounts=bob").status_code == 404
    assert "give at least one" in op.get("/groups/team/members/dialog/remove", headers=HX).get_data(as_text=True)
    two = op.get("/groups/team/members/dialog/owner?accounts=bob&accounts=carol", headers=HX)
    assert "Choose one member" in two.get_data(as_text=True)


def test_removing_rows_reports_each_and_names_non_members(op, im, audit_rows):
    """Trial finding: removing a non-member said "Removed 1 accounts"."""
    before = len(audit_rows())
    resp = op.post("/groups/team/members/remove", {"accounts": ["bob", "csvuser_0022"]}, htmx=True)
    body = text(resp)
    assert "1 member removed." in body and "Removed 2" not in body
    row = resp.get_data(as_text=True).split("csvuser_0022")[1].split("</tr>")[0]
    assert "not a member of this group" in row and "badge-failed" in row
    assert "bob" not in im.get("team").members
    calls = [(r.endpoint, r.request.get("MemberToDel_Account")) for r in audit_rows()[before:]]
    assert calls[-2:] == [("group_open_http_svc/get_role_in_group", None),
                          ("group_open_http_svc/delete_group_member", ["bob"])]
    only_stranger = text(op.post("/groups/team/members/remove", {"accounts": "csvuser_0022"}, htmx=True))
    assert "0 members removed." in only_stranger and "not a member" in only_stranger
    # no delete call was made for nobody
    assert [r.endpoint for r in audit_rows()].count("group_open_http_svc/delete_group_member") == 1


def test_muting_three_rows_then_the_rows_reload(op, im):
    resp = op.post("/groups/team/members/mute", {"accounts": ["bob", "carol", "dave"], "duration": "5",
                                                 "unit": "minutes", "action": "mute"}, htmx=True)
    assert "3 members muted." in text(resp) and resp.get_data(as_text=True).count("badge-ok") == 3
    assert all(im.get("team").mute_until(u, time.time()) > time.time() for u in ("bob", "carol", "dave"))
    rows = op.get("/groups/team/members", headers={"HX-Request": "true", "HX-Target": "member-rows"})
    body = rows.get_data(as_text=True)
    assert body.lstrip().startswith("<div") and 'id="member-rows"' in body and "<html" not in body
    assert len(re.findall(r"<li>", body.split('id="muted-list"')[1])) == 3


def test_dialogs_hold_their_fields(op, im):
    mute = op.get("/groups/team/members/dialog/mute?accounts=bob", headers=HX).get_data(as_text=True)
    assert 'name="duration"' in mute and 'name="unit"' in mute and 'value="mute"' in mute
    remove = op.get("/groups/team/members/dialog/remove?accounts=bob", headers=HX).get_data(as_text=True)
    assert 'name="reason"' in remove and 'name="silence"' in remove and 'class="danger"' in remove
    role = op.get("/groups/team/members/dialog/role?accounts=bob", headers=HX).get_data(as_text=True)
    assert 'name="account" value="bob"' in role and 'name="role"' in role


# ---- the groups list ----------------------------------------------------------------------------

def test_group_list_rows_destroy_from_the_selection(signed_in, im, tim, audit_rows):
    tim.group.create_group("Public", "Spare", group_id="spare", owner="alice")
    tim.group.create_group("Public", "Extra", group_id="extra", owner="alice")
    admin = signed_in("admin")
    page = admin.get("/groups").get_data(as_text=True)
    assert 'data-selection-bar="groups"' in page and page.count('data-select-row="groups"') == 3
    row = page.split('data-group="spare"')[1].split("</tr>")[0]
    assert "/groups/bulk/dialog/destroy?ids=spare" in row and "/groups/spare/members" in row
    dialog = text(admin.get("/groups/bulk/dialog/destroy?ids=spare&ids=extra", headers=HX))
    assert "Destroy 2 groups: spare, extra" in dialog and "destroy 2 groups" in dialog
    wrong = admin.post("/groups/bulk/destroy", {"ids": ["spare", "extra"], "confirm": "yes"}, htmx=True)
    assert "To destroy, type exactly: destroy 2 groups" in text(wrong) and im.get("spare") is not None
    resp = admin.post("/groups/bulk/destroy", {"ids": ["spare", "gone", "extra"], "confirm": "destroy 3 groups"},
                      htmx=True)
    assert "2 groups destroyed." in text(resp) and "groups-changed" in resp.headers["HX-Trigger"]
    assert im.get("spare") is None and im.get("extra") is None and im.get("team") is not None
    gone = resp.get_data(as_text=True).split("<code>gone</code>")[1].split("</tr>")[0]
    assert "badge-failed" in gone
    assert [r.endpoint for r in audit_rows()].count("group_open_http_svc/destroy_group") == 3


def test_group_list_selection_is_for_admins(signed_in, im):
    page = signed_in("operator").get("/groups").get_data(as_text=True)
    assert "data-select-row" not in page and "row-menu" in page and "bulk/dialog/destroy" not in page
    assert signed_in("operator").get("/groups/bulk/dialog/destroy?ids=team").status_code == 403
    assert signed_in("operator").post("/groups/bulk/destroy", {"ids": "team"}).status_code == 403
