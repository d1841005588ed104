"""client.c2c edits, one-sided deletes and read receipts against the sandbox over HTTP."""
import pytest

from console.tim import messages
from console.tim.errors import InvalidArgumentError, TimError


@pytest.fixture
def pair(tim):
    tim.account.import_accounts(["amy", "ben"])
    return "amy", "ben"


def history(tim, user, peer):
    return list(tim.c2c.iter_messages(user, peer, min_time=0))


def test_modify_message_rewrites_body_and_custom_data(tim, pair):
    key = tim.c2c.send_message("ben", "frist", sender="amy", cloud_custom_data="v1").msg_key
    tim.c2c.modify_message("amy", "ben", key, body="first")
    (msg,) = history(tim, "ben", "amy")
    assert msg.body == [messages.text("first")] and msg.cloud_custom_data == "v1"
    tim.c2c.modify_message("amy", "ben", key, cloud_custom_data="v2")
    (msg,) = history(tim, "amy", "ben")   # both sides see the edit
    assert msg.body == [messages.text("first")] and msg.cloud_custom_data == "v2"


def test_modify_message_refusals(tim, pair):
    key = tim.c2c.send_message("ben", "hi", sender="amy").msg_key
    with pytest.raises(TimError) as wrong_way:          # the key names a message from amy to ben
        tim.c2c.modify_message("ben", "amy", key, body="x")
    assert wrong_way.value.code == 20001
    tim.c2c.revoke_message("amy", "ben", key)
    with pytest.raises(TimError) as recalled:
        tim.c2c.modify_message("amy", "ben", key, body="x")
    assert recalled.value.code == 20001
    with pytest.raises(TimError) as ghost:
        tim.c2c.modify_message("ghost", "ben", key, body="x")
    assert ghost.value.code == 20003


def test_modify_message_arguments_checked(tim):
    with pytest.raises(InvalidArgumentError, match="nothing to modify"):
        tim.c2c.modify_message("amy", "ben", "1_2_3")
    with pytest.raises(InvalidArgumentError, match="12 KB"):
        tim.c2c.modify_message("amy", "ben", "1_2_3", body="x" * 13000)


def test_delete_messages_one_sided_hides_them_from_one_side_only(tim, pair):
    keys = [tim.c2c.send_message("ben", f"m{i}", sender="amy", msg_random=i).msg_key for i in range(3)]
    result = tim.c2c.delete_messages_one_sided("ben", "amy", [keys[0], keys[2], "9_9_9"])
    assert result.ok and [i.id for i in result] == [keys[0], keys[2], "9_9_9"]
    assert [m.msg_key for m in history(tim, "ben", "amy")] == [keys[1]]
    assert sorted(m.msg_key for m in history(tim, "amy", "ben")) == sorted(keys)


def test_delete_messages_one_sided_batches_by_30(tim, pair, sandbox):
    keys = [tim.c2c.send_message("ben", f"m{i}", sender="amy", msg_random=i).msg_key for i in range(35)]
    calls = []
    tim.add_observer(lambda event: calls.append(len(event.request["MsgKeyList"])))
    result = tim.c2c.delete_messages_one_sided("amy", "ben", keys)
    assert calls == [30, 5] and len(result) == 35 and result.ok
    assert history(tim, "amy", "ben") == [] and len(history(tim, "ben", "amy")) == 35


def test_delete_messages_one_sided_failures_per_request(tim, pair):
    result = tim.c2c.delete_messages_one_sided("amy", "ghost", ["1_2_3"])
    assert not result.ok and result.items[0].code == 90003 and result.code == 90003
    with pytest.raises(InvalidArgumentError, match="duplicate"):
        tim.c2c.delete_messages_one_sided("amy", "ben", ["1_2_3", "1_2_3"])


def test_send_read_receipts_marks_the_messages_peer_read(tim, pair):
    first = tim.c2c.send_message("ben", "one", sender="amy", msg_random=1).msg_key
    second = tim.c2c.send_message("ben", "two", sender="amy", msg_random=2).msg_key
    tim.c2c.send_read_receipts("ben", "amy", [first])
    read = {m.msg_key: m.peer_read for m in history(tim, "amy", "ben")}
    assert read == {first: True, second: False}


def test_send_read_receipts_refuses_messages_of_the_other_direction(tim, pair):
    mine = tim.c2c.send_message("amy", "from ben", sender="ben").msg_key
    with pytest.raises(TimError) as err:       # ben sent it: ben cannot report it read
        tim.c2c.send_read_receipts("ben", "amy", [mine])
    assert err.value.code == 20001
    assert history(tim, "amy", "ben")[0].peer_read is False
