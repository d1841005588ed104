"""Demo data of group depth (console/sandbox/demo_groups.py), read back through the client."""
from __future__ import annotations

import pytest

from console.sandbox import demo


@pytest.fixture
def demo_sandbox(sandbox):
    counts = demo.load(sandbox)
    assert counts["topics"] >= 9 and counts["permission_groups"] >= 3
    return sandbox


def test_demo_communities_have_topics_with_messages_and_permission_groups(demo_sandbox, tim):
    gid = "@TGS#_opensource"
    owner = tim.group.get_group(gid).owner
    topics = {t.id: t for t in tim.community.get_topics(gid, owner).items}
    announce = gid + "@TOPIC#_announce"
    assert topics[announce].name == "公告" and len(topics) == 4
    assert tim.group.fetch_messages(gid, 20, topic_id=announce).messages
    pgs = {p.id: p for p in tim.community.fetch_permission_groups(gid).groups}
    assert pgs["@PMG#_maintainers"].member_num == 3
    grants = {t.id: t.permission for t in tim.community.get_topic_permissions(gid, "@PMG#_maintainers").items}
    assert grants[announce] == 3


def test_demo_group_attributes_counters_bans_and_live_rooms(demo_sandbox, tim):
    assert tim.group.get_group_attrs("python-dev").attrs["theme"] == "dark"
    assert tim.group.get_group_counters("live-launch").counters == {"gifts": 342, "likes": 10240}
    assert len(tim.group.fetch_banned_members("python-dev").members) == 1
    assert len(tim.avchatroom.get_admins("live-launch").items) == 2
    online = tim.avchatroom.fetch_members("live-music").members
    marked = tim.avchatroom.fetch_members("live-music", mark=1001).members
    assert len(online) == 12 and len(marked) == 3
