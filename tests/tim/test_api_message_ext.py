"""client.message_ext against the sandbox over HTTP: pairs, Seq, conflicts, clears, pages."""
import pytest

from console.tim.api.message_ext import Extension
from console.tim.errors import InvalidArgumentError, TimError


@pytest.fixture
def msg_key(tim):
    tim.account.import_accounts(["amy", "ben"])
    return tim.c2c.send_message("ben", "vote here", sender="amy", support_extension=True).msg_key


def test_set_and_get_c2c_extensions(tim, msg_key):
    written = tim.message_ext.set_c2c_extensions("ben", msg_key, {"up": "1", "down": "0"}, sender="amy")
    assert written.ok and [(i.id, i.seq) for i in written] == [("up", 1), ("down", 1)]
    page = tim.message_ext.get_c2c_extensions("ben", msg_key, sender="amy")
    assert page.as_dict() == {"up": "1", "down": "0"} and page.latest_seq == 1 and page.complete
    tim.message_ext.set_c2c_extensions("ben", msg_key, {"up": "2"})     # no sender: found by recipient and key
    newer = tim.message_ext.get_c2c_extensions("ben", msg_key, start_seq=2)
    assert [(v.key, v.value, v.seq) for v in newer.values] == [("up", "2", 2)] and newer.latest_seq == 2


def test_seq_checked_writes_report_conflicts_per_key(tim, msg_key):
    tim.message_ext.set_c2c_extensions("ben", msg_key, {"up": "1"})
    result = tim.message_ext.set_c2c_extensions("ben", msg_key, [Extension("up", "5", seq=0),
                                                                 Extension("new", "x", seq=0)])
    assert not result.ok
    (conflict,) = result.conflicts
    assert (conflict.id, conflict.code, conflict.value, conflict.seq) == ("up", 23001, "1", 1)
    assert result.by_id()["new"].ok and result.by_id()["new"].seq == 2
    retried = tim.message_ext.set_c2c_extensions("ben", msg_key, [Extension("up", "5", seq=conflict.seq)])
    assert retried.ok
    assert tim.message_ext.get_c2c_extensions("ben", msg_key).as_dict() == {"up": "5", "new": "x"}


def test_delete_and_clear_c2c_extensions(tim, msg_key):
    tim.message_ext.set_c2c_extensions("ben", msg_key, {"a": "1", "b": "2", "c": "3"})
    deleted = tim.message_ext.delete_c2c_extensions("ben", msg_key, ["a"])
    assert deleted.ok and deleted.items[0].seq == 2
    assert tim.message_ext.get_c2c_extensions("ben", msg_key).as_dict() == {"b": "2", "c": "3"}
    tim.message_ext.clear_c2c_extensions("ben", msg_key)
    page = tim.message_ext.get_c2c_extensions("ben", msg_key)
    assert page.values == [] and page.clear_seq == page.latest_seq == 3
    tim.message_ext.set_c2c_extensions("ben", msg_key, {"d": "4"})
    assert [(v.key, v.seq) for v in tim.message_ext.get_c2c_extensions("ben", msg_key).values] == [("d", 4)]


def test_iter_c2c_extensions_pages_through_every_pair(tim, msg_key):
    values = {f"k{i:03}": str(i) for i in range(260)}
    written = tim.message_ext.set_c2c_extensions("ben", msg_key, values)     # 13 requests of 20
    assert written.ok and len(written) == 260
    assert written.items[-1].seq == 13
    first = tim.message_ext.get_c2c_extensions("ben", msg_key)
    assert len(first.values) == 200 and not first.complete
    assert {v.key: v.value for v in tim.message_ext.iter_c2c_extensions("ben", msg_key)} == values


def test_extensions_need_a_message_sent_with_support(tim, msg_key):
    plain = tim.c2c.send_message("ben", "no extensions", sender="amy").msg_key
    with pytest.raises(TimError) as unsupported:
        tim.message_ext.set_c2c_extensions("ben", plain, {"a": "1"})
    assert unsupported.value.code == 23002
    with pytest.raises(TimError) as missing:
        tim.message_ext.get_c2c_extensions("ben", "1_2_3")
    assert missing.value.code == 23004
    with pytest.raises(TimError) as full:
        for start in range(0, 320, 20):
            tim.message_ext.set_c2c_extensions("ben", msg_key, {f"k{i}": "v" for i in range(start, start + 20)})
    assert full.value.code == 10004
    assert len(list(tim.message_ext.iter_c2c_extensions("ben", msg_key))) == 300


def test_message_ext_arguments_checked(tim):
    with pytest.raises(InvalidArgumentError, match="300"):
        tim.message_ext.set_c2c_extensions("ben", "1_2_3", {f"k{i}": "v" for i in range(301)})
    with pytest.raises(InvalidArgumentError, match="1000 bytes"):
        tim.message_ext.set_c2c_extensions("ben", "1_2_3", {"k": "v" * 1001})
    with pytest.raises(InvalidArgumentError, match="100 bytes"):
        tim.message_ext.set_group_extensions("@TGS#1", 1, {"k" * 101: "v"})
    with pytest.raises(InvalidArgumentError, match="twice"):
        tim.message_ext.delete_c2c_extensions("ben", "1_2_3", ["a", Extension("a")])


@pytest.fixture
def group_msg(tim):
    tim.account.import_accounts(["amy", "ben"])
    group_id = tim.group.create_group("Public", "polls", owner="amy", members=["ben"]).group_id
    seq = tim.group.send_message(group_id, "lunch?", sender="amy", support_extension=True).msg_seq
    return group_id, seq


def test_set_get_delete_clear_group_extensions(tim, group_msg):
    group_id, seq = group_msg
    written = tim.message_ext.set_group_extensions(group_id, seq, {"pizza": "2", "sushi": "1"})
    assert written.ok and {i.seq for i in written} == {1}
    tim.message_ext.set_group_extensions(group_id, seq, [Extension("pizza", "3", seq=1)])
    page = tim.message_ext.get_group_extensions(group_id, seq)
    assert page.as_dict() == {"pizza": "3", "sushi": "1"} and page.latest_seq == 2
    tim.message_ext.delete_group_extensions(group_id, seq, [Extension("sushi", seq=1)])
    assert [(v.key, v.seq) for v in tim.message_ext.iter_group_extensions(group_id, seq)] == [("pizza", 2)]
    tim.message_ext.clear_group_extensions(group_id, seq)
    cleared = tim.message_ext.get_group_extensions(group_id, seq)
    assert cleared.values == [] and cleared.clear_seq == 4


def test_group_extensions_refusals(tim, group_msg):
    group_id, seq = group_msg
    plain = tim.group.send_message(group_id, "no extensions", sender="amy").msg_seq
    live = tim.group.create_group("AVChatRoom", "live", owner="amy").group_id
    live_seq = tim.group.send_message(live, "hi", support_extension=True).msg_seq
    for target, code in (((group_id, plain), 23002), ((group_id, seq + 5), 23004), (("@TGS#2NONE", 1), 10010),
                         ((live, live_seq), 10004)):
        with pytest.raises(TimError) as err:
            tim.message_ext.set_group_extensions(*target, {"a": "1"})
        assert err.value.code == code, target
