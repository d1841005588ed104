"""Communities against the sandbox: the Communities page, the Topics tab (list, create, import, modify,
disband, topic-scoped history and sending) and the Permission groups tab (create, modify, disband,
members, topic permissions). Each action writes its one audit row."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from groups_support import links_account, op  # noqa: F401  (op: a fixture)

USERS = ["alice", "bob", "carol", "dave"]
CLUB = "@TGS#_club"
Q = quote(CLUB, safe="@")
READS = {"group.get_groups", "community.get_topics", "group.fetch_messages"}


@pytest.fixture
def im(sandbox, tim):
    tim.account.import_accounts(USERS)
    tim.group.create_group("Community", "Club", group_id=CLUB, owner="alice", members=["bob", "carol"],
                           support_topic=True)
    tim.group.create_group("Community", "Plain", group_id="@TGS#_plain", owner="alice")
    tim.group.create_group("Public", "Team", group_id="team", owner="alice")
    return tim


def topic_url(topic_id: str) -> str:
    return f"/groups/{Q}/topic?topic={quote(topic_id, safe='')}"


def pg_url(pg_id: str) -> str:
    return f"/groups/{Q}/permission-group?pg={quote(pg_id, safe='')}"


def act(browser, audit_rows, url, form, action, status=204):
    """Post `form` with htmx: the change it makes to IM is the one `action` row."""
    before = len(audit_rows())
    resp = browser.post(url, form, htmx=True)
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    rows = [(r.action, r.outcome) for r in audit_rows()[before:] if r.action not in READS]
    assert rows == [(action, "ok")], rows
    return resp


def test_communities_page_lists_communities_with_their_tabs(op, im):
    page = op.get("/groups/communities").get_data(as_text=True)
    assert f'data-community="{CLUB}"' in page and 'data-community="@TGS#_plain"' in page
    assert 'data-community="team"' not in page
    assert f"/groups/{Q}/topics" in page
    club = op.get(f"/groups/{Q}").get_data(as_text=True)
    assert "Topics" in club and "Permission groups" in club
    assert "Permission groups" not in op.get("/groups/team").get_data(as_text=True)


def test_create_topic_then_see_modify_send_and_disband(op, signed_in, im, audit_rows):
    resp = act(op, audit_rows, f"/groups/{Q}/topics/create",
               {"name": "General", "topic_id": "general", "introduction": "Say hi", "action": "create"},
               "community.create_topic")
    tid = f"{CLUB}@TOPIC#_general"
    assert quote(tid, safe="@") in resp.headers["HX-Redirect"]
    listing = op.get(f"/groups/{Q}/topics").get_data(as_text=True)
    assert f'data-topic="{tid}"' in listing and "Say hi" in listing

    act(op, audit_rows, f"/groups/{Q}/topic/edit", {"topic_id": tid, "name": "Lobby", "notification": "Be nice",
                                                     "mute_all": ""}, "community.update_topic")
    topic = im.community.get_topic(CLUB, "alice", tid)
    assert (topic.name, topic.notification) == ("Lobby", "Be nice")

    act(op, audit_rows, f"/groups/{Q}/topic/send", {"topic_id": tid, "kind": "text", "text": "topic hello",
                                                     "sender": "bob"}, "group.send_message")
    assert audit_rows()[-1].request["TopicId"] == tid
    page = op.get(topic_url(tid)).get_data(as_text=True)
    assert "topic hello" in page and links_account(page, "bob") and "Lobby" in page
    assert "topic hello" not in op.get(f"/groups/{Q}/messages").get_data(as_text=True)

    assert op.post(f"/groups/{Q}/topic/disband", {"topic_id": tid}).status_code == 403
    act(signed_in("admin"), audit_rows, f"/groups/{Q}/topic/disband", {"topic_id": tid}, "community.destroy_topics")
    assert im.community.get_topics(CLUB, "alice").items == []


def test_import_topic_with_a_past_creation_time(op, im, audit_rows):
    act(op, audit_rows, f"/groups/{Q}/topics/create",
        {"name": "Archive", "topic_id": "archive", "create_time": "1700000000", "action": "import"},
        "community.import_topic")
    topic = im.community.get_topic(CLUB, "alice", f"{CLUB}@TOPIC#_archive")
    assert topic.create_time == 1700000000


@pytest.mark.parametrize("form, problem", [
    ({"name": ""}, "Topic name"),
    ({"name": "x" * 31}, "Topic name"),
    ({"name": "ok", "topic_id": "has space"}, "printable ASCII"),
])
def test_bad_topic_forms_are_refused(op, im, audit_rows, form, problem):
    before = len(audit_rows())
    resp = op.post(f"/groups/{Q}/topics/create", form, htmx=True)
    assert resp.status_code in (200, 400) and problem in resp.get_data(as_text=True)
    assert [r for r in audit_rows()[before:] if r.action not in READS] == []


def test_topics_tab_explains_non_topic_communities_and_other_groups(op, im):
    assert "created without topics" in op.get("/groups/%40TGS%23_plain/topics").get_data(as_text=True)
    assert "Only communities" in op.get("/groups/team/topics").get_data(as_text=True)
    assert op.get(f"/groups/{Q}/topic?topic=nope").status_code == 400


def test_permission_group_create_members_topics_modify_disband(op, signed_in, im, audit_rows):
    tid = im.community.create_topic(CLUB, "General", topic_id=f"{CLUB}@TOPIC#_general").topic_id
    resp = act(op, audit_rows, f"/groups/{Q}/permission-groups/create",
               {"name": "Moderators", "pg_id": "mods", "permission": "3"}, "community.create_permission_group")
    pg = "@PMG#_mods"
    assert quote(pg, safe="@") in resp.headers["HX-Redirect"]
    listing = op.get(f"/groups/{Q}/permission-groups").get_data(as_text=True)
    assert f'data-pg="{pg}"' in listing and "Moderators" in listing

    resp = act(op, audit_rows, f"/groups/{Q}/permission-group/members", {"pg": pg, "accounts": "bob carol",
                                                                         "action": "add"},
               "community.add_permission_group_members", status=200)
    assert "2 ok" in resp.get_data(as_text=True)
    act(op, audit_rows, f"/groups/{Q}/permission-group/topics", {"pg": pg, "topic_id": tid, "permission": "1",
                                                                 "action": "add"},
        "community.add_topic_permissions")
    act(op, audit_rows, f"/groups/{Q}/permission-group/topics", {"pg": pg, "topic_id": tid, "permission": "5",
                                                                 "action": "set"},
        "community.set_topic_permissions")
    page = op.get(pg_url(pg)).get_data(as_text=True)
    assert 'data-member="bob"' in page and 'data-member="carol"' in page
    grant = page[page.index(f'data-grant="{tid}"'):]
    assert "General" in grant[:400] and "<code>5</code>" in grant[:400]

    act(op, audit_rows, f"/groups/{Q}/permission-group/members", {"pg": pg, "accounts": "carol", "action": "remove"},
        "community.delete_permission_group_members", status=200)
    act(op, audit_rows, f"/groups/{Q}/permission-group/topics", {"pg": pg, "topic_id": tid, "action": "remove"},
        "community.delete_topic_permissions")
    act(op, audit_rows, f"/groups/{Q}/permission-group/edit", {"pg": pg, "name": "Mods", "permission": "7"},
        "community.update_permission_group")
    found = im.community.get_permission_group(CLUB, pg)
    assert (found.name, found.permission, found.member_num) == ("Mods", 7, 1)
    assert im.community.get_topic_permissions(CLUB, pg).items == []

    assert op.post(f"/groups/{Q}/permission-group/disband", {"pg": pg}).status_code == 403
    act(signed_in("admin"), audit_rows, f"/groups/{Q}/permission-group/disband", {"pg": pg},
        "community.destroy_permission_groups")
    assert im.community.fetch_permission_groups(CLUB).groups == []


def test_permission_bits_must_be_a_number(op, im):
    resp = op.post(f"/groups/{Q}/permission-groups/create", {"name": "x", "permission": "-1"}, htmx=True)
    assert resp.status_code in (200, 400) and "Permission bits" in resp.get_data(as_text=True)


def test_viewer_sees_topics_and_permission_groups_without_forms(signed_in, im):
    im.community.create_topic(CLUB, "General")
    viewer = signed_in("viewer")
    page = viewer.get(f"/groups/{Q}/topics").get_data(as_text=True)
    assert "General" in page and "Create a topic" not in page
    assert viewer.get(f"/groups/{Q}/permission-groups").status_code == 200
    assert viewer.post(f"/groups/{Q}/topics/create", {"name": "x"}).status_code == 403


def test_create_a_topic_enabled_community_from_the_new_group_form(op, im):
    resp = op.post("/groups/new", {"type": "Community", "name": "Makers", "group_id": "@TGS#_makers",
                                   "owner": "alice", "support_topic": "1"})
    assert resp.status_code == 303
    assert im.group.get_group("@TGS#_makers").support_topic == 1
    assert "Create a topic" in op.get("/groups/%40TGS%23_makers/topics").get_data(as_text=True)
    resp = op.post("/groups/new", {"type": "Public", "name": "P", "owner": "alice", "support_topic": "1"})
    assert resp.status_code == 400 and "Only communities can have topics." in resp.get_data(as_text=True)


def test_unknown_topics_and_bad_cursors_are_not_server_errors(op, im):
    assert op.get(topic_url(f"{CLUB}@TOPIC#_nope")).status_code == 404
    assert op.get(pg_url("@PMG#_nope")).status_code == 404
    assert op.get(f"/groups/{Q}/permission-groups?next=zzz").status_code == 400
    assert op.get(f"/groups/{Q}/permission-group?pg=").status_code == 400
