"""Account tabs Social (follows with counts, follow/unfollow on the account's behalf, subscribed
official accounts) and Conversation groups (groups and marks, editable); one audit row per IM
call, against the sandbox."""
from __future__ import annotations

import json

import pytest
from test_accounts_support import im_import, last_id, rows_after

BASE = "/accounts/u"


@pytest.fixture
def people(sandbox):
    im_import(sandbox, "ann", "ben", "cat")


@pytest.fixture
def op(signed_in):
    return signed_in("operator")


def test_follow_on_behalf_then_lists_and_counts(app, op, people, tim, audit_rows):
    resp = op.post(f"{BASE}/ann/social/follow", {"ids": "ben cat"}, htmx=True)
    assert set(json.loads(resp.headers["HX-Trigger"])) == {"follows-changed", "selection-clear"} and "2 succeeded" in resp.get_data(as_text=True)
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("follow.follow_users", "ok") and "ann" in row.targets
    assert tim.follow.get_relation("ann", "ben").following
    tim.follow.follow_user("ben", "ann")
    page = op.get(f"{BASE}/ann/social").get_data(as_text=True)
    assert "Social" in page and "follows-changed" in page and ">ben</a>" in page  # rendered with the page
    before = last_id(audit_rows)
    html = op.get(f"{BASE}/ann/social/follows", query_string={"kind": "following"}).get_data(as_text=True)
    assert ">ben</a>" in html and ">cat</a>" in html
    assert [r.action for r in rows_after(audit_rows, before)] == ["follow.get_counts", "follow.fetch_follows"]
    mutual = op.get(f"{BASE}/ann/social/follows", query_string={"kind": "mutual"}).get_data(as_text=True)
    assert ">ben</a>" in mutual and ">cat</a>" not in mutual
    fans = op.get(f"{BASE}/ann/social/follows", query_string={"kind": "followers"}).get_data(as_text=True)
    assert ">ben</a>" in fans
    counts = tim.follow.get_count("ann")
    assert (counts.following, counts.followers, counts.mutual) == (2, 1, 1)


def test_unfollow_on_behalf(app, op, people, tim, audit_rows):
    tim.follow.follow_users("ann", ["ben"])
    html = op.post(f"{BASE}/ann/social/unfollow", {"ids": "ben"}, htmx=True).get_data(as_text=True)
    assert "1 succeeded" in html and not tim.follow.get_relation("ann", "ben").following
    [row] = audit_rows()
    assert row.action == "follow.unfollow_users"
    assert "form-problems" in op.post(f"{BASE}/ann/social/follow", {"ids": ""}, htmx=True).headers.get("HX-Trigger", "")


def test_subscribed_official_accounts_link_to_their_pages(app, op, people, tim):
    tim.official_account.create("ann", "Daily", account_id="@TOA#_daily")
    tim.official_account.add_subscribers("@TOA#_daily", ["ben"])
    html = op.get(f"{BASE}/ben/social/official").get_data(as_text=True)
    assert "Daily" in html and "/official/@TOA%23_daily" in html


def test_conversation_groups_create_change_rename_delete(app, op, people, tim, audit_rows):
    page = op.get(f"{BASE}/ann/conversation-groups").get_data(as_text=True)
    assert "Conversation groups" in page and "conv-group-create" in page and "has no conversation groups" in page
    assert [r.action for r in audit_rows()] == ["conversation.fetch_conversation_marks"]
    before = last_id(audit_rows)
    resp = op.post(f"{BASE}/ann/conversation-groups/create", {"name": "work", "conversations": "ben\ncat"}, htmx=True)
    assert "2 succeeded" in resp.get_data(as_text=True)
    assert set(json.loads(resp.headers["HX-Trigger"])) == {"conversation-marks-changed", "selection-clear"}
    [row] = rows_after(audit_rows, before)
    assert (row.action, row.outcome) == ("conversation.create_conversation_group", "ok")
    html = op.get(f"{BASE}/ann/conversation-groups/list").get_data(as_text=True)
    assert "<strong>work</strong>" in html and ">ben</a>" in html
    op.post(f"{BASE}/ann/conversation-groups/update", {"name": "work", "remove": "cat"}, htmx=True)
    assert audit_rows()[-1].action == "conversation.update_conversation_group"
    op.post(f"{BASE}/ann/conversation-groups/rename", {"name": "work", "new_name": "job"}, htmx=True)
    assert [grp.name for grp in tim.conversation.get_conversation_groups("ann")] == ["job"]
    op.post(f"{BASE}/ann/conversation-groups/delete", {"name": "job"}, htmx=True)
    assert tim.conversation.get_conversation_groups("ann") == []
    assert [r.action for r in audit_rows()][-2:] == ["conversation.rename_conversation_group",
                                                    "conversation.delete_conversation_group"]


def test_mark_a_conversation(app, op, people, tim, audit_rows):
    resp = op.post(f"{BASE}/ann/conversation-marks", {"conversation": "ben", "marks": ["1", "3"], "custom": "vip"},
                   htmx=True)
    assert "1 succeeded" in resp.get_data(as_text=True)
    [row] = audit_rows()
    assert (row.action, row.outcome) == ("conversation.mark_conversations", "ok")
    [marks] = tim.conversation.search_conversation_marks("ann", [("c2c", "ben")]).items
    assert marks.has(1) and marks.has(3) and not marks.has(2) and marks.custom_mark == "vip"
    html = op.get(f"{BASE}/ann/conversation-groups/list").get_data(as_text=True)
    assert "Favourite" in html and "Folded" in html and "vip" in html
    bad = op.post(f"{BASE}/ann/conversation-marks", {"conversation": "group:"}, htmx=True)
    assert bad.status_code < 500 and "form-problems" in bad.headers.get("HX-Trigger", "")


def test_viewer_sees_the_tabs_without_the_forms(app, signed_in, people):
    viewer = signed_in("viewer")
    assert "follow-form" not in viewer.get(f"{BASE}/ann/social").get_data(as_text=True)
    assert "conv-mark\"" not in viewer.get(f"{BASE}/ann/conversation-groups").get_data(as_text=True)
    assert viewer.post(f"{BASE}/ann/social/follow", {"ids": "ben"}).status_code == 403
