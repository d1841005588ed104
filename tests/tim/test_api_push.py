"""client.push against the sandbox, over both the current timpush and the legacy all_member_push API."""
import pytest

from console.tim import messages
from console.tim.errors import InvalidArgumentError, TimError


@pytest.fixture(params=["timpush", "legacy"])
def push(request, tim):
    tim.push_api = request.param
    tim.account.import_accounts(["pa", "pb", "pc"])
    endpoints = []
    tim.add_observer(lambda e: endpoints.append(e.endpoint))
    tim.push.endpoints = endpoints
    return tim.push


def service(push):
    return "timpush/" if push.api == "timpush" else "all_member_push/im_"


def test_attr_names_set_and_get(push, sandbox):
    push.set_attr_names({0: "city", 3: "level"})
    names = push.get_attr_names()
    assert names.names == {0: "city", 3: "level"}
    assert sandbox.state.push_attr_names == {"0": "city", "3": "level"}
    assert push.endpoints[0].startswith(service(push))


def test_user_attrs_set_get_delete(push, sandbox):
    push.set_attr_names({0: "city", 1: "level"})
    result = push.set_user_attrs({"pa": {"city": "SZ", "level": "3"}, "pb": {"city": "BJ"}})
    assert [(i.id, i.ok) for i in result] == [("pa", True), ("pb", True)]
    got = push.get_user_attrs(["pa", "pb"])
    assert got.by_id()["pa"].attrs == {"city": "SZ", "level": "3"}
    assert got.by_id()["pb"].attrs == {"city": "BJ"}
    push.delete_user_attrs({"pa": ["level"]})
    assert push.get_user_attrs(["pa"])[0].attrs == {"city": "SZ"}
    assert sandbox.state.user_attrs["pa"] == {"city": "SZ"}


def test_timpush_write_reports_failed_users(tim, sandbox):
    tim.account.import_accounts(["pa"])
    tim.push.set_attr_names({0: "city"})
    result = tim.push.set_user_attrs({"pa": {"city": "SZ"}, "ghost": {"city": "X"}})
    assert [(i.id, i.ok) for i in result] == [("pa", True), ("ghost", False)]
    assert result.items[1].code == 70107


def test_user_tags_add_get_delete_clear(push, sandbox):
    assert push.add_user_tags({"pa": ["vip", "beta"], "pb": ["vip"]}).ok
    got = push.get_user_tags(["pa", "pb", "pc"])
    assert sorted(got.by_id()["pa"].tags) == ["beta", "vip"]
    assert got.by_id()["pb"].tags == ["vip"] and got.by_id()["pc"].tags == []
    push.delete_user_tags({"pa": ["beta"]})
    assert push.get_user_tags(["pa"])[0].tags == ["vip"]
    push.delete_user_all_tags(["pa", "pb"])
    assert all(not i.tags for i in push.get_user_tags(["pa", "pb"]))
    expected = "timpush/clear_all_tags" if push.api == "timpush" else "all_member_push/im_remove_all_tags"
    assert expected in push.endpoints


def test_push_message_creates_task(push, sandbox):
    push.add_user_tags({"pa": ["vip"]})
    task = push.push_message([messages.text("to vips")], tags_or=["vip"], sender="pa")
    assert task.task_id
    stored = sandbox.state.push_tasks[-1]
    assert task.task_id in str(stored)
    assert push.endpoints[-1] == ("timpush/push" if push.api == "timpush" else "all_member_push/im_push")


def test_push_to_users_then_revoke_push(tim, sandbox):
    tim.account.import_accounts(["pa", "pb"])
    notice = messages.offline_push_info(0, title="Sale", desc="Today only")
    task = tim.push.push_to_users(["pb", "ghost"], "to pb", sender="pa", offline_push_info=notice, data_id="d-1")
    stored = sandbox.state.push_tasks[-1]
    assert (stored["TaskId"], stored["Kind"], stored["Targets"]) == (task.task_id, "batch", 1)   # ghost skipped
    history = tim.c2c.fetch_messages("pb", "pa")
    assert [m.body[0]["MsgContent"]["Text"] for m in history.messages] == ["to pb"]              # a roaming copy
    tim.push.revoke_push(task.task_id, offline_push_info=messages.offline_push_info(0, title="Recalled"))
    assert sandbox.state.push_tasks[-1]["Revoked"] is True


def test_revoke_push_of_an_unknown_task_is_90049(tim, sandbox):
    with pytest.raises(TimError) as err:
        tim.push.revoke_push("1400000001_0_0_0")
    assert err.value.code == 90049


@pytest.mark.parametrize("call", [
    lambda p: p.push_to_users(["pa"]),                                     # neither body nor notification
    lambda p: p.push_to_users([f"u{i}" for i in range(501)], "x"),
    lambda p: p.push_to_users(["pa"], "x", data_id="d" * 65),
    lambda p: p.revoke_push(""),
])
def test_push_to_users_and_revoke_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim.push)
    assert seen == []


@pytest.mark.parametrize("call", [
    lambda p: p.push_message("x", tags_or=["a"], attrs_or={"city": "SZ"}),
    lambda p: p.push_message("x", tags_and=["a"], tags_or=["a"]),
    lambda p: p.push_message("x", tags_or=[f"t{i}" for i in range(11)]),
    lambda p: p.push_message("x", tags_or=["t" * 51]),
    lambda p: p.push_message("x", lifetime=604801),
    lambda p: p.set_attr_names({10: "x"}),
    lambda p: p.set_attr_names({"first": "x"}),
    lambda p: p.add_user_tags({"pa": [f"t{i}" for i in range(11)]}),
    lambda p: p.get_user_tags([f"u{i}" for i in range(101)]),
    lambda p: p.delete_user_all_tags([f"u{i}" for i in range(101)]),
    lambda p: p.set_user_attrs({"pa": {"city": "c" * 51}}),
])
def test_push_arguments_checked_before_sending(push, call):
    with pytest.raises(InvalidArgumentError):
        call(push)
    assert push.endpoints == []


def test_legacy_refuses_timpush_only_options(tim):
    tim.push_api = "legacy"
    with pytest.raises(InvalidArgumentError, match="timpush"):
        tim.push.push_message("x", tags_not=["a"])
    with pytest.raises(InvalidArgumentError, match="timpush"):
        tim.push.set_attr_names({0: "a"}, types={0: 1})
    with pytest.raises(InvalidArgumentError, match="timpush"):
        tim.push.push_to_users(["pa"], "x")
    with pytest.raises(InvalidArgumentError, match="timpush"):
        tim.push.revoke_push("task")
