"""client.bot against the sandbox over HTTP: @RBT# accounts and streaming replies."""
import json

import pytest

from console.tim.errors import InvalidArgumentError, TimError


def test_create_robot_lists_it_once_with_its_profile(tim):
    tim.bot.create_robot("@RBT#helper", nick="Helper", face_url="https://example.com/h.png", signature="at your service")
    tim.bot.create_robot("@RBT#helper")                        # again: still one bot
    assert tim.bot.get_all_robots().bots == ["@RBT#helper"]
    (profile,) = tim.profile.get_profiles(["@RBT#helper"], ["Tag_Profile_IM_Nick", "Tag_Profile_IM_SelfSignature"])
    assert profile.attrs == {"Tag_Profile_IM_Nick": "Helper", "Tag_Profile_IM_SelfSignature": "at your service"}


def test_delete_robot_leaves_the_list_but_not_the_account(tim):
    tim.bot.create_robot("@RBT#a")
    tim.bot.create_robot("@RBT#b")
    tim.bot.delete_robot("@RBT#a")
    assert tim.bot.get_all_robots().bots == ["@RBT#b"]
    assert tim.account.check_account("@RBT#a") is True
    with pytest.raises(TimError) as err:
        tim.bot.delete_robot("@RBT#a")
    assert err.value.code == 10004


def test_at_most_20_robots(tim):
    for n in range(20):
        tim.bot.create_robot(f"@RBT#{n}")
    with pytest.raises(TimError) as err:
        tim.bot.create_robot("@RBT#20")
    assert err.value.code == 10008
    tim.bot.delete_robot("@RBT#0")
    tim.bot.create_robot("@RBT#20")
    assert len(tim.bot.get_all_robots().bots) == 20


def _stream_state(tim, user, bot):
    (msg,) = list(tim.c2c.iter_messages(user, bot, min_time=0))
    (elem,) = msg.body
    return msg.msg_key, json.loads(elem["MsgContent"]["Data"])


def test_stream_message_grows_one_message(tim):
    tim.account.import_account("ann")
    tim.bot.create_robot("@RBT#llm")
    first = tim.bot.send_stream_message("@RBT#llm", "ann", "Hello, ")
    assert first.msg_key and not first.finished
    assert _stream_state(tim, "ann", "@RBT#llm") == (first.msg_key, {"chunks": ["Hello, "], "isFinished": 0})
    last = tim.bot.send_stream_message("@RBT#llm", "ann", "world", msg_key=first.msg_key, finish=True)
    assert last.msg_key == first.msg_key and last.finished
    assert _stream_state(tim, "ann", "@RBT#llm")[1] == {"chunks": ["Hello, ", "world"], "isFinished": 1}
    with pytest.raises(TimError) as closed:
        tim.bot.send_stream_message("@RBT#llm", "ann", "!", msg_key=first.msg_key)
    assert closed.value.code == 20001


def test_stream_message_sends_chunks_and_finishes_with_the_last(tim):
    tim.account.import_account("ann")
    tim.bot.create_robot("@RBT#llm")
    done = tim.bot.stream_message("@RBT#llm", "ann", iter(["a", "b", "c"]))
    assert done.finished
    assert _stream_state(tim, "ann", "@RBT#llm") == (done.msg_key, {"chunks": ["a", "b", "c"], "isFinished": 1})


def test_stream_message_only_from_an_active_bot(tim):
    tim.account.import_accounts(["ann", "@RBT#old"])
    with pytest.raises(TimError) as not_bot:
        tim.bot.send_stream_message("@RBT#old", "ann", "hi")
    assert not_bot.value.code == 20003


def test_bot_arguments_checked(tim):
    with pytest.raises(InvalidArgumentError, match="@RBT#"):
        tim.bot.create_robot("helper")
    with pytest.raises(InvalidArgumentError, match="500 bytes"):
        tim.bot.create_robot("@RBT#x", signature="s" * 501)
    with pytest.raises(InvalidArgumentError, match="at least one chunk"):
        tim.bot.stream_message("@RBT#x", "ann", [])
