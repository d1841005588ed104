"""client.group read receipts, message edits, history clearing and broadcasts against the sandbox."""
import pytest
from api_checks import code_of, refused_before_sending

from console.tim import messages

USERS = ["rowner", "rm1", "rm2", "rm3"]


@pytest.fixture
def public(tim):
    tim.account.import_accounts(USERS)
    return tim.group.create_group("Public", "Readers", owner="rowner", members=["rm1", "rm2", "rm3"]).group_id


def test_read_receipts_count_readers_and_non_readers(tim, public):
    asked = tim.group.send_message(public, "please read", sender="rowner", need_read_receipt=True).msg_seq
    plain = tim.group.send_message(public, "no receipts", sender="rowner").msg_seq
    tim.group.send_read_receipts(public, "rm1", [asked, plain])
    tim.group.send_read_receipts(public, "rm1", [asked])                  # reading twice counts once
    result = tim.group.get_read_receipts(public, [asked, plain])
    assert [(r.id, r.ok, r.code) for r in result] == [(asked, True, 0), (plain, False, 10062)]
    assert (result.items[0].read_num, result.items[0].unread_num) == (1, 2)


def test_read_receipt_members_page_by_page(tim, public):
    seq = tim.group.send_message(public, "hello", sender="rowner", need_read_receipt=True).msg_seq
    tim.group.send_read_receipts(public, "rm2", [seq])
    readers = tim.group.fetch_read_receipt_members(public, seq)
    assert readers.accounts == ["rm2"] and not readers.has_more and readers.read
    first = tim.group.fetch_read_receipt_members(public, seq, read=False, count=1)
    assert first.accounts == ["rm1"] and first.has_more
    second = tim.group.fetch_read_receipt_members(public, seq, read=False, cursor=first.cursor, count=1)
    assert second.accounts == ["rm3"] and not second.has_more
    assert list(tim.group.iter_read_receipt_members(public, seq, read=False, page_size=1)) == ["rm1", "rm3"]


def test_read_receipt_refusals(tim, public):
    seq = tim.group.send_message(public, "x", sender="rowner", need_read_receipt=True).msg_seq
    assert code_of(lambda: tim.group.send_read_receipts(public, "stranger", [seq])) == 10007
    assert code_of(lambda: tim.group.fetch_read_receipt_members(public, seq + 100)) == 10062
    room = tim.group.create_group("AVChatRoom", "Live", owner="rowner").group_id
    assert code_of(lambda: tim.group.get_read_receipts(room, [1])) == 10007


def test_get_read_receipts_in_chunks_of_fifty(tim, public):
    calls = []
    tim.add_observer(lambda event: calls.append(len(event.request["MsgSeqList"])))
    result = tim.group.get_read_receipts(public, range(1, 56))
    assert calls == [50, 5] and len(result) == 55 and {r.code for r in result} == {10062}


def test_modify_message_rewrites_body_and_custom_data(tim, public, sandbox):
    seq = tim.group.send_message(public, "tyop", sender="rm1").msg_seq
    tim.group.modify_message(public, seq, body="typo")
    tim.group.modify_message(public, seq, cloud_custom_data='{"edited":true}')
    (msg,) = [m for m in tim.group.fetch_messages(public).messages if m.msg_seq == seq]
    assert msg.body == [messages.text("typo")]
    assert sandbox.state.groups.get(public).find_message(seq).cloud_data == '{"edited":true}'


def test_modify_message_refusals(tim, public):
    assert code_of(lambda: tim.group.modify_message(public, 999, body="x")) == 20001
    seq = tim.group.send_message(public, "gone", sender="rm1").msg_seq
    tim.group.revoke_message(public, seq)
    assert code_of(lambda: tim.group.modify_message(public, seq, body="x")) == 20001
    room = tim.group.create_group("AVChatRoom", "Live", owner="rowner").group_id
    assert code_of(lambda: tim.group.modify_message(room, 1, body="x")) == 10007
    assert code_of(lambda: tim.call("openim/modify_group_msg", {"GroupId": public, "MsgSeq": seq,
                                                               "MsgBody": {"MsgType": "TIMTextElem"}})) == 90007


def test_clear_messages_marks_history_hidden_but_the_admin_still_reads_it(tim, public, sandbox):
    seqs = [tim.group.send_message(public, f"m{i}", sender="rm1").msg_seq for i in range(3)]
    tim.group.clear_messages(public, up_to_seq=seqs[1])
    group = sandbox.state.groups.get(public)
    assert sandbox.state.group_extras.of(group).cleared_upto == seqs[1]
    tim.group.clear_messages(public)
    assert sandbox.state.group_extras.of(group).cleared_upto == seqs[2]
    assert [m.msg_seq for m in tim.group.fetch_messages(public).messages][:3] == seqs[::-1]
    community = tim.group.create_group("Community", "Town", owner="rowner").group_id
    assert code_of(lambda: tim.group.clear_messages(community)) == 10007


def test_send_broadcast_reaches_every_avchatroom(tim, sandbox):
    tim.account.import_accounts(USERS)
    rooms = {tim.group.create_group("AVChatRoom", f"Live {i}", owner="rowner").group_id for i in range(2)}
    tim.group.create_group("Public", "Not live", owner="rowner")
    sent = tim.group.send_broadcast(messages.custom('{"type":1}'), sender="rm1", cloud_custom_data="cd",
                                    random=77)
    assert sent.msg_seq > 0
    (entry,) = sandbox.state.group_extras.broadcasts
    assert set(entry["Groups"]) == rooms and entry["From_Account"] == "rm1" and entry["CloudCustomData"] == "cd"
    again = tim.group.send_broadcast(messages.custom('{"type":1}'), random=77)      # paced 1 s apart
    assert again.msg_seq == sent.msg_seq and len(sandbox.state.group_extras.broadcasts) == 1
    assert code_of(lambda: tim.group.send_broadcast("hi", sender="nobody")) == 10004


@pytest.mark.parametrize("call", [
    lambda t: t.group.send_read_receipts("g", "a", []),
    lambda t: t.group.send_read_receipts("g", "a", list(range(1, 52))),
    lambda t: t.group.send_read_receipts("g", "a", [1, 1]),
    lambda t: t.group.get_read_receipts("g", [0]),
    lambda t: t.group.fetch_read_receipt_members("g", 1, count=201),
    lambda t: t.group.modify_message("g", 1),
    lambda t: t.group.modify_message("g", 0, body="x"),
    lambda t: t.group.modify_message("g", 1, body="x" * 13000),
    lambda t: t.group.clear_messages("g", up_to_seq=0),
    lambda t: t.group.send_broadcast([]),
    lambda t: t.group.send_broadcast("x", random=-1),
])
def test_message_depth_arguments_checked_before_sending(tim, call):
    refused_before_sending(tim, call)
