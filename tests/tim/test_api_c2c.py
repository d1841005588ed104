"""client.c2c against the sandbox: messages sent, imported, read back, recalled, read."""
import itertools
import time

import pytest

from console.tim import messages
from console.tim.errors import InvalidArgumentError, TimError


@pytest.fixture
def pair(tim):
    tim.account.import_accounts(["amy", "ben", "cid"])
    return "amy", "ben"


def history(tim, user, peer):
    return list(tim.c2c.iter_messages(user, peer, min_time=0))


def test_send_message_is_stored_and_unread(tim, pair):
    sent = tim.c2c.send_message("ben", "hello", sender="amy", cloud_custom_data="cc")
    assert sent.msg_key and sent.msg_time > 0
    msgs = history(tim, "ben", "amy")
    assert len(msgs) == 1
    assert msgs[0].body == [messages.text("hello")] and msgs[0].msg_key == sent.msg_key
    assert msgs[0].sender == "amy" and msgs[0].cloud_custom_data == "cc"
    assert tim.c2c.get_unread_message_num("ben", ["amy"]).items[0].count == 1


def test_send_message_with_builders_and_options(tim, pair):
    body = [messages.text("hi"), messages.custom("{\"k\":1}", desc="d")]
    sent = tim.c2c.send_message("ben", body, sender="amy", send_control=["NoUnread"], lifetime=60,
                                offline_push_info=messages.offline_push_info(title="T", desc="D"))
    assert sent.msg_key
    assert tim.c2c.get_unread_message_num("ben", ["amy"]).items[0].count == 0
    assert history(tim, "ben", "amy")[0].body == body


def test_send_messages_per_recipient(tim, pair):
    result = tim.c2c.send_messages(["ben", "ghost", "cid"], "batch hi", sender="amy")
    assert [(i.id, i.ok) for i in result] == [("ben", True), ("ghost", False), ("cid", True)]
    assert result.items[1].code == 70107 and result.action_status == "SomeError"
    assert result.msg_key
    assert [m.body[0]["MsgContent"]["Text"] for m in history(tim, "cid", "amy")] == ["batch hi"]


def test_send_messages_all_failed_is_returned_not_raised(tim, pair):
    result = tim.c2c.send_messages(["ghost1", "ghost2"], "nobody", sender="amy")
    assert result.code != 0 and not result.succeeded
    assert [(i.id, i.code) for i in result] == [("ghost1", 70107), ("ghost2", 70107)]


def test_import_message_history_mode(tim, pair):
    ts = int(time.time()) - 3600
    tim.c2c.import_message("amy", "ben", "old news", ts, msg_random=7, msg_seq=9)
    msgs = history(tim, "ben", "amy")
    assert [(m.msg_time, m.msg_random, m.msg_seq) for m in msgs] == [(ts, 7, 9)]
    assert tim.c2c.get_unread_message_num("ben", ["amy"]).items[0].count == 0   # mode 2: not unread


def test_import_message_realtime_counts_unread(tim, pair):
    tim.c2c.import_message("amy", "ben", "live", int(time.time()) - 5, realtime=True)
    assert tim.c2c.get_unread_message_num("ben").total == 1


def test_fetch_messages_page_and_iter_messages_lazily(tim, pair):
    base = int(time.time()) - 1000
    for i in range(7):
        tim.c2c.import_message("amy", "ben", f"m{i}", base + i, msg_random=i)
    page = tim.c2c.fetch_messages("ben", "amy", min_time=0, max_count=3)
    assert len(page.messages) == 3 and page.has_more and page.last_msg_key
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    texts = [m.body[0]["MsgContent"]["Text"] for m in tim.c2c.iter_messages("ben", "amy", page_size=3)]
    assert sorted(texts) == [f"m{i}" for i in range(7)]
    assert calls.count("openim/admin_getroammsg") == 3
    calls.clear()
    assert len(list(itertools.islice(tim.c2c.iter_messages("ben", "amy", page_size=3), 2))) == 2
    assert calls.count("openim/admin_getroammsg") == 1


def test_revoke_message_marks_recalled(tim, pair):
    sent = tim.c2c.send_message("ben", "oops", sender="amy")
    tim.c2c.revoke_message("amy", "ben", sent.msg_key)
    assert history(tim, "ben", "amy")[0].recalled
    with pytest.raises(TimError) as err:
        tim.c2c.revoke_message("amy", "ben", sent.msg_key)
    assert err.value.code == 20023


def test_set_message_read_clears_unread(tim, pair):
    tim.c2c.send_message("ben", "1", sender="amy")
    tim.c2c.send_message("ben", "2", sender="amy")
    assert tim.c2c.get_unread_message_num("ben").total == 2
    tim.c2c.set_message_read("ben", "amy")
    assert tim.c2c.get_unread_message_num("ben").total == 0


def test_get_unread_message_num_per_peer(tim, pair):
    tim.c2c.send_message("ben", "x", sender="amy")
    tim.c2c.send_message("ben", "y", sender="cid")
    tim.c2c.send_message("ben", "z", sender="cid")
    result = tim.c2c.get_unread_message_num("ben", ["amy", "cid"])
    assert [(i.id, i.count) for i in result] == [("amy", 1), ("cid", 2)]
    assert tim.c2c.get_unread_message_num("ben").total == 3


@pytest.mark.parametrize("call", [
    lambda t: t.c2c.send_message("ben", []),
    lambda t: t.c2c.send_message("ben", [{"MsgType": "TIMNopeElem", "MsgContent": {}}]),
    lambda t: t.c2c.send_message("ben", "x" * 13000),
    lambda t: t.c2c.send_message("ben", "hi", lifetime=604801),
    lambda t: t.c2c.send_message("ben", "hi", send_control=["NoSuchThing"]),
    lambda t: t.c2c.send_message("ben", "hi", sync_other_machine=3),
    lambda t: t.c2c.send_messages([f"u{i}" for i in range(501)], "hi"),
    lambda t: t.c2c.get_unread_message_num("ben", [f"u{i}" for i in range(11)]),
    lambda t: t.c2c.fetch_messages("ben", "amy", min_time=10, max_time=5),
    lambda t: t.c2c.send_message("ben", "hi", offline_push_info={"PushFlag": 7}),
])
def test_c2c_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []
