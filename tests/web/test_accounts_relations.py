"""Friends, friend groups, blacklist and conversations tabs: sandbox state changes and one audit
row per IM call."""
from __future__ import annotations

import json

import pytest
from test_accounts_support import im_import, last_id, rows_after

HX = {"HX-Request": "true"}
BASE = "/accounts/u"


@pytest.fixture
def people(sandbox):
    im_import(sandbox, "ann", "ben", "cat", "dan")
    return ["ann", "ben", "cat", "dan"]


@pytest.fixture
def op(signed_in):
    return signed_in("operator")


def test_add_two_way_friend_and_see_it_listed(app, op, people, tim, audit_rows):
    resp = op.post(f"{BASE}/ann/friends/add", {"ids": "ben", "remark": "Benny", "group": "work", "both": "1",
                                              "force": "1"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert set(json.loads(resp.headers["HX-Trigger"])) == {"friends-changed", "selection-clear"}
    assert "1 succeeded" in html
    assert tim.sns.check_friend("ann", "ben") == "CheckResult_Type_BothWay"
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("sns.add_friends", "ok") and row.request["AddType"] == "Add_Type_Both"
    page = op.get(f"{BASE}/ann/friends").get_data(as_text=True)
    assert "Benny" in page and "work" in page and ">ben</a>" in page and "Admin" in page  # add source shown
    listing = op.get(f"{BASE}/ann/friends", headers={**HX, "HX-Target": "friends-list"}).get_data(as_text=True)
    assert "<html" not in listing and "Benny" in listing


def test_add_one_way_bulk_with_per_item_results(app, op, people, tim, audit_rows):
    html = op.post(f"{BASE}/ann/friends/add", {"ids": "ben cat ghost", "force": "1"}, htmx=True).get_data(as_text=True)
    assert "2 succeeded" in html and "1 failed" in html and "ghost" in html
    assert tim.sns.check_friend("ann", "cat") == "CheckResult_Type_AWithB"
    [row] = audit_rows()
    assert row.outcome == "partial" and row.request["AddType"] == "Add_Type_Single"


def test_import_friends_one_and_two_way(app, op, people, tim, audit_rows):
    op.post(f"{BASE}/ann/friends/import", {"ids": "ben"}, htmx=True)
    assert tim.sns.check_friend("ann", "ben") == "CheckResult_Type_AWithB"
    html = op.post(f"{BASE}/ann/friends/import", {"ids": "cat", "both": "1"}, htmx=True).get_data(as_text=True)
    assert "cat → ann" in html
    assert tim.sns.check_friend("ann", "cat") == "CheckResult_Type_BothWay"
    assert [r.action for r in audit_rows()] == ["sns.import_friends"] * 3


def test_update_move_and_delete_friends(app, op, people, tim, audit_rows):
    tim.sns.add_friends("ann", ["ben", "cat"], force=True)
    before = last_id(audit_rows)
    op.post(f"{BASE}/ann/friends/update", {"ids": "ben", "set_remark": "1", "remark": "B"}, htmx=True)
    assert tim.sns.get_friend("ann", "ben").remark == "B"
    assert "Tick what to change" in op.post(f"{BASE}/ann/friends/update",
                                            {"ids": "ben"}, htmx=True).get_data(as_text=True)
    op.post(f"{BASE}/ann/friend-groups/create", {"name": "pals", "ids": "ben"}, htmx=True)
    op.post(f"{BASE}/ann/friend-groups/move", {"ids": "ben cat", "name": "family"}, htmx=True)
    assert tim.sns.get_friend("ann", "cat").groups == ["family"]
    assert tim.sns.get_friend("ann", "ben").groups == ["family"]
    lists = {lst.name for lst in tim.sns.get_groups("ann").lists}
    assert {"pals", "family"} <= lists
    op.post(f"{BASE}/ann/friend-groups/delete", {"name": "pals"}, htmx=True)
    assert "pals" not in {lst.name for lst in tim.sns.get_groups("ann").lists}
    op.post(f"{BASE}/ann/friends/delete", {"ids": "ben", "both": "1"}, htmx=True)
    assert tim.sns.check_friend("ann", "ben") == "CheckResult_Type_NoRelation"
    assert [(r.action, r.outcome) for r in rows_after(audit_rows, before)] == [
        ("sns.update_friends", "ok"), ("sns.add_groups", "ok"), ("sns.update_friends", "ok"),
        ("sns.delete_groups", "ok"), ("sns.delete_friends", "ok")]


def test_delete_all_friends_needs_admin_and_the_typed_id(app, signed_in, people, tim, audit_rows):
    tim.sns.add_friends("ann", ["ben", "cat"], force=True)
    assert signed_in("operator").post(f"{BASE}/ann/friends/delete-all", {"confirm": "ann"}).status_code == 403
    admin = signed_in("admin")
    html = admin.post(f"{BASE}/ann/friends/delete-all", {"confirm": "an"}, htmx=True).get_data(as_text=True)
    assert "type the user ID ann" in html and audit_rows() == []
    html = admin.post(f"{BASE}/ann/friends/delete-all",
                      {"confirm": "ann", "both": "1"}, htmx=True).get_data(as_text=True)
    assert "Every friend of ann was removed" in html
    assert tim.sns.fetch_friends("ann").total == 0
    assert tim.sns.check_friend("ben", "ann") == "CheckResult_Type_NoRelation"
    [row] = audit_rows()
    assert row.action == "sns.delete_all_friends" and row.request["DeleteType"] == "Delete_Type_Both"


def test_check_relationships_in_words(app, signed_in, people, tim, audit_rows):
    tim.sns.add_friends("ann", ["ben"], force=True)
    tim.sns.add_friends("ann", ["cat"], both=False, force=True)
    tim.sns.add_friends("dan", ["ann"], both=False, force=True)
    html = signed_in("viewer").post(f"{BASE}/ann/friends/check",
                                    {"ids": "ben cat dan ghost"}, htmx=True).get_data(as_text=True)
    assert "Friends both ways" in html
    assert "One-way: cat is in ann&#39;s friend list" in html
    assert "One-way: ann is in dan&#39;s friend list" in html
    [row] = audit_rows()
    assert row.action == "sns.check_friends"


def test_blacklist_add_list_check_remove(app, op, people, tim, audit_rows):
    resp = op.post(f"{BASE}/ann/blacklist/add", {"ids": "ben\ncat"}, htmx=True)
    assert set(json.loads(resp.headers["HX-Trigger"])) == {"blacklist-changed", "selection-clear"}
    page = op.get(f"{BASE}/ann/blacklist").get_data(as_text=True)
    assert ">ben</a>" in page and ">cat</a>" in page
    html = op.post(f"{BASE}/ann/blacklist/check", {"ids": "ben dan", "type": "both"}, htmx=True).get_data(as_text=True)
    assert "ann has blocked ben." in html and "No block between them." in html
    op.post(f"{BASE}/ann/blacklist/remove", {"ids": "ben"}, htmx=True)
    assert [e.id for e in tim.sns.iter_blacklist("ann")] == ["cat"]
    assert [(r.action, r.outcome) for r in audit_rows()] == [
        ("sns.add_blacklist", "ok"), ("sns.fetch_blacklist", "ok"), ("sns.check_blacklist", "ok"),
        ("sns.delete_blacklist", "ok")]


def test_conversations_list_and_delete_c2c_and_group(app, op, people, tim, audit_rows):
    tim.c2c.send_message("ben", "hi", sender="ann")
    group = tim.group.create_group("Public", "Book club", owner="ann", members=["ben"]).group_id
    tim.group.send_message(group, "hello", sender="ann")
    page = op.get(f"{BASE}/ann/conversations").get_data(as_text=True)
    assert ">ben</a>" in page and group in page
    before = last_id(audit_rows)
    resp = op.post(f"{BASE}/ann/conversations/delete", {"type": "group", "to": group}, htmx=True)
    assert resp.headers["HX-Trigger"] == "conversations-changed"
    op.post(f"{BASE}/ann/conversations/delete", {"type": "c2c", "to": "ben", "clear": "1"}, htmx=True)
    assert tim.conversation.fetch_sessions("ann").sessions == []
    group_call, c2c_call = rows_after(audit_rows, before)
    assert group_call.request["ToGroupid"] == group and group_call.request["Type"] == 2
    assert c2c_call.request["To_Account"] == "ben" and c2c_call.request["ClearRamble"] == 1
    assert "Name the peer" in op.post(f"{BASE}/ann/conversations/delete", {"type": "c2c", "to": ""},
                                      htmx=True).get_data(as_text=True)


def test_friend_ids_are_validated(app, op, people, audit_rows):
    html = op.post(f"{BASE}/ann/friends/add", {"ids": "x" * 40}, htmx=True).get_data(as_text=True)
    assert "longer than 32 bytes" in html
    assert "give at least one user ID" in op.post(f"{BASE}/ann/blacklist/add",
                                                   {"ids": " "}, htmx=True).get_data(as_text=True)
    assert audit_rows() == []


def test_viewer_reads_tabs_but_cannot_write(app, signed_in, people):
    viewer = signed_in("viewer")
    for tab in ("friends", "blacklist", "conversations"):
        assert viewer.get(f"{BASE}/ann/{tab}").status_code == 200
    assert viewer.post(f"{BASE}/ann/friends/add", {"ids": "ben"}).status_code == 403
    assert viewer.post(f"{BASE}/ann/blacklist/add", {"ids": "ben"}).status_code == 403
