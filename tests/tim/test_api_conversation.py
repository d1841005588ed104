"""client.conversation against the sandbox: conversation lists and deletion (C2C and group)."""
import itertools

import pytest

from console.tim.errors import InvalidArgumentError


@pytest.fixture
def chatty(tim):
    tim.account.import_accounts(["cv", "p1", "p2", "p3"])
    for peer in ("p1", "p2", "p3"):
        tim.c2c.send_message("cv", f"hi from {peer}", sender=peer)
    gid = tim.group.create_group("Public", "Room", owner="cv", members=["p1"]).group_id
    tim.group.send_message(gid, "group hello", sender="p1")
    return gid


def keys(sessions):
    return {(s.type, s.peer or s.group_id) for s in sessions}


def test_fetch_sessions_lists_c2c_and_group(tim, chatty):
    page = tim.conversation.fetch_sessions("cv")
    assert not page.has_more
    assert keys(page.sessions) == {(1, "p1"), (1, "p2"), (1, "p3"), (2, chatty)}
    assert all(s.msg_time > 0 for s in page.sessions)


def test_iter_sessions_is_lazy_and_complete(tim, chatty):
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    sessions = tim.conversation.iter_sessions("cv")
    assert calls == []
    assert keys(sessions) == {(1, "p1"), (1, "p2"), (1, "p3"), (2, chatty)}
    assert calls.count("recentcontact/get_list") >= 1
    assert len(list(itertools.islice(tim.conversation.iter_sessions("cv"), 1))) == 1


def test_delete_session_c2c_with_history(tim, chatty):
    tim.conversation.delete_session("cv", "p1", "c2c", clear_history=True)
    assert (1, "p1") not in keys(tim.conversation.iter_sessions("cv"))
    assert list(tim.c2c.iter_messages("cv", "p1")) == []          # cleared for cv
    assert len(list(tim.c2c.iter_messages("p1", "cv"))) == 1       # the peer keeps its copy
    assert (1, "cv") in keys(tim.conversation.iter_sessions("p1"))


def test_delete_session_group_sends_togroupid(tim, chatty, sandbox):
    requests = []
    tim.add_observer(lambda e: requests.append(e.request))
    tim.conversation.delete_session("cv", chatty, "group")
    assert requests[-1]["ToGroupid"] == chatty and requests[-1]["Type"] == 2 and "type" not in requests[-1]
    assert (2, chatty) not in keys(tim.conversation.iter_sessions("cv"))
    assert (1, "p2") in keys(tim.conversation.iter_sessions("cv"))


def test_delete_session_arguments(tim):
    with pytest.raises(InvalidArgumentError):
        tim.conversation.delete_session("cv", "p1", "topic")
    with pytest.raises(InvalidArgumentError):
        tim.conversation.fetch_sessions("cv", assist_flags=8)
