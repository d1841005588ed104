"""The group methods inside topic-enabled communities (`topic_id=`, `support_topic=`), against the
sandbox over real HTTP; every effect is read back."""
from __future__ import annotations

import pytest
from test_api_community import community  # noqa: F401  (fixture)

from console.tim import InvalidArgumentError, TimError
from console.tim.api.group import ImportMessage


def test_topic_scoped_group_methods(tim, sandbox, community):
    news, chat = (tim.community.create_topic(community, name).topic_id for name in ("news", "chat"))
    assert tim.group.send_message(community, "first", sender="m1", topic_id=news).msg_seq == 1
    assert tim.group.send_message(community, "second", sender="m2", topic_id=news).msg_seq == 2
    assert tim.group.send_message(community, "elsewhere", sender="m1", topic_id=chat).msg_seq == 1
    assert [m.sender for m in tim.group.iter_messages(community, topic_id=news)] == ["m2", "m1"]
    assert list(tim.group.iter_messages(community)) == []          # the community itself got nothing

    assert tim.group.revoke_message(community, 2, topic_id=news).ok
    assert [m.msg_seq for m in tim.group.fetch_messages(community, topic_id=news).messages] == [1]
    tim.group.revoke_member_messages(community, "m1", topic_id=chat)
    assert tim.group.fetch_messages(community, topic_id=chat).messages == []

    tim.group.forbid_send_message(community, ["m3"], 600, topic_id=news)
    assert [m.id for m in tim.group.get_group_muted_account(community, topic_id=news)] == ["m3"]
    with pytest.raises(TimError) as err:
        tim.group.send_message(community, "muted", sender="m3", topic_id=news)
    assert err.value.code == 10017
    tim.group.allow_send_message(community, ["m3"], topic_id=news)
    assert tim.group.send_message(community, "free", sender="m3", topic_id=news).msg_seq == 3

    old = tim.community.import_topic(community, "old", create_time=1600000000).topic_id
    imported = tim.group.import_messages(community, [ImportMessage("m1", 1600000100, "then")], topic_id=old)
    assert imported.ok and imported[0].msg_seq == 1
    assert [m.msg_time for m in tim.group.iter_messages(community, topic_id=old)] == [1600000100]
    tim.group.send_notification(community, "heads up", topic_id=news)
    assert sandbox.state.communities.topic(community, news).notices[0]["Content"] == "heads up"


def test_support_topic_groups(tim, sandbox, community):
    plain = tim.group.create_group("Community", "plain", owner="owner", support_topic=False).group_id
    imported = tim.group.import_group("Community", "moved", owner="owner", group_id="@TGS#_moved",
                                      support_topic=True).group_id
    tim.group.add_members(imported, ["m1"])
    assert [g.support_topic for g in tim.group.get_groups([community, plain])] == [1, 0]
    topic = tim.community.create_topic(imported, "hello").topic_id
    tim.group.send_message(imported, "one", sender="m1", topic_id=topic)
    tim.group.send_message(imported, "two", sender="owner", topic_id=topic)

    page = tim.group.fetch_member_groups("m1", support_topic=True)
    assert [g.id for g in page.groups] == [community, imported]
    moved = page.groups[1]
    assert (moved.type, moved.support_topic, moved.gross_topic_next_msg_seq) == ("Community", 1, 3)
    assert moved.self_info.gross_topic_read_seq == 1
    assert [g.id for g in tim.group.fetch_member_groups("owner", support_topic=False).groups] == [plain]
    public = tim.group.create_group("Public", "pub", owner="owner").group_id     # not a community: stays
    assert [g.id for g in tim.group.fetch_member_groups("owner", support_topic=False).groups] == [plain, public]


def test_support_topic_arguments_checked(tim):
    with pytest.raises(InvalidArgumentError):
        tim.group.create_group("Public", "p", support_topic=True)
    with pytest.raises(InvalidArgumentError):
        tim.group.import_group("Private", "p", support_topic=False)
