"""client.community (topics, permission groups) against the sandbox over real HTTP; every effect
is read back through another call."""
from __future__ import annotations

import pytest

from console.tim import InvalidArgumentError, TimError


def make_community(tim, sandbox, *, topics: bool = True, members=("m1", "m2", "m3")) -> str:
    """A community owned by "owner" (topic-enabled unless `topics` is False). Group methods are
    called here, outside the tests: the seed coverage table credits them to test_api_group.py."""
    for user in ("owner", "outsider", *members):
        sandbox.state.import_account(user)
    return tim.group.create_group("Community", "guild", owner="owner", members=list(members),
                                  support_topic=topics).group_id


def add_to_community(tim, group_id: str, users: list[str]) -> None:
    for start in range(0, len(users), 100):
        tim.group.add_members(group_id, users[start:start + 100])


def leave_community(tim, group_id: str, user: str) -> None:
    tim.group.delete_members(group_id, [user])


@pytest.fixture
def community(tim, sandbox):
    """A topic-enabled community owned by "owner" with members "m1".."m3"."""
    return make_community(tim, sandbox)


def test_create_topic_and_get_topics(tim, community):
    assigned = tim.community.create_topic(community, "general", introduction="talk", custom_string="x" * 3000)
    assert assigned.topic_id.startswith(community + "@TOPIC#_@TOPIC#")
    custom = tim.community.create_topic(community, "news", topic_id=community + "@TOPIC#_news", creator="m1",
                                        notification="read me", face_url="http://face")
    assert custom.topic_id == community + "@TOPIC#_news"

    topics = tim.community.get_topics(community, "m1")
    assert [(t.id, t.name) for t in topics] == [(assigned.topic_id, "general"), (custom.topic_id, "news")]
    news = topics.by_id()[custom.topic_id]
    assert (news.notification, news.face_url, news.group_id, news.next_msg_seq) == ("read me", "http://face",
                                                                                    community, 1)
    assert news.self_info.msg_flag == "AcceptAndNotify" and news.mute_all_member == "Off"
    assert topics.by_id()[assigned.topic_id].custom_string == "x" * 3000

    missing = community + "@TOPIC#_gone"
    picked = tim.community.get_topics(community, "m1", [missing, custom.topic_id], fields=["TopicName"])
    assert [(t.id, t.ok, t.code) for t in picked] == [(missing, False, 110003), (custom.topic_id, True, 0)]
    assert picked[1].name == "news" and picked[1].notification == ""        # filtered out
    with pytest.raises(TimError) as err:
        tim.community.get_topic(community, "m1", missing)
    assert err.value.code == 110003


def test_create_topic_refusals(tim, sandbox, community):
    topic_id = community + "@TOPIC#_dup"
    tim.community.create_topic(community, "one", topic_id=topic_id)
    with pytest.raises(TimError) as err:
        tim.community.create_topic(community, "two", topic_id=topic_id)
    assert err.value.code == 10021
    with pytest.raises(TimError) as err:
        tim.community.create_topic(community, "three", creator="ghost")     # never imported
    assert err.value.code == 10004
    plain = make_community(tim, sandbox, topics=False, members=())
    with pytest.raises(TimError) as err:
        tim.community.create_topic(plain, "t")
    assert err.value.code == 11000


def test_import_topic(tim, community):
    imported = tim.community.import_topic(community, "archive", topic_id=community + "@TOPIC#_old",
                                          create_time=1448357837, introduction="from before")
    topic = tim.community.get_topic(community, "owner", imported.topic_id)
    assert (topic.create_time, topic.introduction) == (1448357837, "from before")


def test_update_topic(tim, community):
    topic_id = tim.community.create_topic(community, "general").topic_id
    tim.community.update_topic(community, topic_id, name="renamed", notification="n", mute_all_member=True,
                               custom_string="c", operator="m2")
    topic = tim.community.get_topic(community, "m2", topic_id)
    assert (topic.name, topic.notification, topic.mute_all_member, topic.custom_string) == ("renamed", "n", "On", "c")
    with pytest.raises(TimError) as err:
        tim.community.update_topic(community, community + "@TOPIC#_none", name="x")
    assert err.value.code == 10010


def test_destroy_topics(tim, community):
    ids = [tim.community.create_topic(community, f"t{n}").topic_id for n in range(3)]
    gone = community + "@TOPIC#_never"
    result = tim.community.destroy_topics(community, [ids[0], gone, ids[1]])
    assert [(i.id, i.ok, i.code) for i in result] == [(ids[0], True, 0), (gone, False, 110003), (ids[1], True, 0)]
    assert [t.id for t in tim.community.get_topics(community, "owner")] == [ids[2]]
    assert tim.community.destroy_topic(community, ids[2]).ok
    with pytest.raises(TimError) as err:
        tim.community.destroy_topic(community, ids[2])
    assert err.value.code == 110003


def test_permission_group_lifecycle(tim, community):
    created = tim.community.create_permission_group(community, "moderators", permission=5, custom_string="mods")
    assert created.permission_group_id.startswith("@PMG#_")
    custom = tim.community.create_permission_group(community, "readers", permission_group_id="@PMG#_readers")
    assert custom.permission_group_id == "@PMG#_readers"
    with pytest.raises(TimError) as err:
        tim.community.create_permission_group(community, "again", permission_group_id="@PMG#_readers")
    assert err.value.code == 10021

    tim.community.update_permission_group(community, "@PMG#_readers", name="viewers", permission=2 ** 63)
    picked = tim.community.get_permission_groups(community, ["@PMG#_readers", "@PMG#_nope",
                                                             created.permission_group_id])
    assert [(g.id, g.ok) for g in picked] == [("@PMG#_readers", True), ("@PMG#_nope", False),
                                              (created.permission_group_id, True)]
    assert (picked[0].name, picked[0].permission) == ("viewers", 2 ** 63)
    assert (picked[2].name, picked[2].permission, picked[2].custom_string) == ("moderators", 5, "mods")
    assert tim.community.get_permission_group(community, created.permission_group_id).member_num == 0

    assert tim.community.destroy_permission_group(community, "@PMG#_readers").ok
    listed = tim.community.destroy_permission_groups(community, ["@PMG#_readers"])
    assert (listed[0].ok, listed[0].code) == (False, 10010)
    assert [g.id for g in tim.community.iter_permission_groups(community)] == [created.permission_group_id]


def test_permission_groups_page_and_batched_destroy(tim, sandbox, community):
    ids = [tim.community.create_permission_group(community, f"pg{n}").permission_group_id for n in range(45)]
    first = tim.community.fetch_permission_groups(community, limit=20)
    assert len(first.groups) == 20 and first.has_more and first.next
    assert [g.id for g in tim.community.iter_permission_groups(community, page_size=20)] == ids
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    destroyed = tim.community.destroy_permission_groups(community, ids)
    assert len(destroyed) == 45 and destroyed.ok
    assert calls == ["group_open_http_svc/destroy_permission_group"] * 3        # 20 + 20 + 5
    assert list(tim.community.iter_permission_groups(community)) == []


def test_permission_group_members(tim, sandbox, community):
    pg = tim.community.create_permission_group(community, "mods").permission_group_id
    added = tim.community.add_permission_group_members(community, pg, ["m1", "m2", "outsider", "ghost"])
    assert [(i.id, i.ok, i.code) for i in added] == [("m1", True, 0), ("m2", True, 0), ("outsider", False, 10007),
                                                     ("ghost", False, 10019)]
    again = tim.community.add_permission_group_members(community, pg, ["m1"])
    assert (again[0].ok, again[0].code) == (True, 10013)
    page = tim.community.fetch_permission_group_members(community, pg, limit=1)
    assert [m.id for m in page.members] == ["m1"] and page.has_more and page.total == 2
    assert page.members[0].role == "Member"
    assert [m.id for m in tim.community.iter_permission_group_members(community, pg, page_size=1)] == ["m1", "m2"]

    removed = tim.community.delete_permission_group_members(community, pg, ["m1", "m3"])
    assert removed.ok                                                  # m3 was never in: still success
    assert [m.id for m in tim.community.iter_permission_group_members(community, pg)] == ["m2"]
    leave_community(tim, community, "m2")                             # leaving the community drops it
    assert tim.community.get_permission_group(community, pg).member_num == 0


def test_permission_group_members_batched(tim, sandbox, community):
    users = [f"u{n:03d}" for n in range(150)]
    for user in users:
        sandbox.state.import_account(user)
    add_to_community(tim, community, users)
    pg = tim.community.create_permission_group(community, "crowd").permission_group_id
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    added = tim.community.add_permission_group_members(community, pg, users)
    assert added.ok and len(added) == 150 and len(calls) == 2 and "batches" in added.raw
    assert len(list(tim.community.iter_permission_group_members(community, pg))) == 150


def test_topic_permissions(tim, community):
    t1, t2, t3 = (tim.community.create_topic(community, name).topic_id for name in ("a", "b", "c"))
    pg = tim.community.create_permission_group(community, "mods").permission_group_id
    added = tim.community.add_topic_permissions(community, pg, {t1: 3, t2: 1234})
    assert added.ok and [i.id for i in added] == [t1, t2]
    again = tim.community.add_topic_permissions(community, pg, {t1: 1})
    assert (again[0].ok, again[0].code) == (False, 10021)
    changed = tim.community.set_topic_permissions(community, pg, {t2: 7, t3: 1})
    assert [(i.id, i.ok, i.code) for i in changed] == [(t2, True, 0), (t3, False, 10010)]
    assert {p.id: p.permission for p in tim.community.get_topic_permissions(community, pg)} == {t1: 3, t2: 7}
    picked = tim.community.get_topic_permissions(community, pg, [t3, t1])
    assert [(p.id, p.ok, p.permission) for p in picked] == [(t3, False, 0), (t1, True, 3)]

    assert tim.community.delete_topic_permissions(community, pg, [t1, t3]).ok
    assert [p.id for p in tim.community.get_topic_permissions(community, pg)] == [t2]
    tim.community.destroy_topic(community, t2)                         # a destroyed topic leaves the group
    assert list(tim.community.get_topic_permissions(community, pg)) == []


def test_topic_permissions_batched(tim, community):
    topics = [tim.community.create_topic(community, f"t{n}").topic_id for n in range(60)]
    pg = tim.community.create_permission_group(community, "all").permission_group_id
    added = tim.community.add_topic_permissions(community, pg, {t: n for n, t in enumerate(topics)})
    assert added.ok and len(added) == 60
    got = tim.community.get_topic_permissions(community, pg, topics)
    assert [p.permission for p in got] == list(range(60))


def test_community_arguments_checked(tim):
    c = tim.community
    group = "@TGS#_@TGS#cABC"
    for call in (
        lambda: c.create_topic(group, "x" * 31),
        lambda: c.create_topic(group, "t", topic_id="@TGS#_other@TOPIC#_x"),
        lambda: c.create_topic(group, "t", topic_id=group + "@TOPIC#_@TOPIC#x"),
        lambda: c.create_topic(group, "t", custom_string="x" * 3001),
        lambda: c.update_topic(group, group + "@TOPIC#_a"),
        lambda: c.get_topics(group, "u", fields=["Nope"]),
        lambda: c.destroy_topics(group, []),
        lambda: c.create_permission_group(group, "x" * 151),
        lambda: c.create_permission_group(group, "p", permission_group_id="custom"),
        lambda: c.create_permission_group(group, "p", permission=-1),
        lambda: c.update_permission_group(group, "@PMG#_a"),
        lambda: c.add_permission_group_members(group, "@PMG#_a", ["u", "u"]),
        lambda: c.add_topic_permissions(group, "@PMG#_a", {}),
        lambda: c.add_topic_permissions(group, "@PMG#_a", {group + "@TOPIC#_a": 2 ** 64}),
        lambda: c.fetch_permission_groups(group, limit=21),
        lambda: c.fetch_permission_group_members(group, "@PMG#_a", limit=51),
    ):
        with pytest.raises(InvalidArgumentError):
            call()
