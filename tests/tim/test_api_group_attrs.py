"""client.group custom attributes and counters against the sandbox, each effect read back."""
import pytest
from api_checks import code_of, refused_before_sending


USERS = ["aowner", "amember"]


@pytest.fixture
def group(tim):
    tim.account.import_accounts(USERS)
    return tim.group.create_group("Public", "Seats", owner="aowner", members=["amember"]).group_id


@pytest.fixture
def community(tim):
    tim.account.import_accounts(USERS)
    return tim.group.create_group("Community", "Town", owner="aowner").group_id


def test_modify_group_attrs_adds_and_changes(tim, group):
    assert tim.group.get_group_attrs(group).attrs == {}
    tim.group.modify_group_attrs(group, {"seat1": "ann", "seat2": "ben"})
    tim.group.modify_group_attrs(group, {"seat2": "cid", "seat3": ""})
    assert tim.group.get_group_attrs(group).attrs == {"seat1": "ann", "seat2": "cid", "seat3": ""}


def test_set_group_attrs_replaces_all(tim, group):
    tim.group.modify_group_attrs(group, {"a": "1", "b": "2"})
    tim.group.set_group_attrs(group, {"c": "3"})
    assert tim.group.get_group_attrs(group).attrs == {"c": "3"}


def test_delete_group_attrs_removes_the_named_keys(tim, group):
    tim.group.set_group_attrs(group, {"a": "1", "b": "2", "c": "3"})
    tim.group.delete_group_attrs(group, ["a", "c", "missing"])
    assert tim.group.get_group_attrs(group).attrs == {"b": "2"}


def test_clear_group_attrs_removes_everything_but_not_in_a_community(tim, group, community):
    tim.group.set_group_attrs(group, {"a": "1", "b": "2"})
    tim.group.clear_group_attrs(group)
    assert tim.group.get_group_attrs(group).attrs == {}
    tim.group.modify_group_attrs(community, {"a": "1"})                  # other writes are fine there
    assert code_of(lambda: tim.group.clear_group_attrs(community)) == 10007
    assert tim.group.get_group_attrs(community).attrs == {"a": "1"}


def test_group_attr_limits_are_enforced_by_the_sandbox_too(tim, group):
    assert code_of(lambda: tim.call("group_open_http_svc/modify_group_attr", {
        "GroupId": group, "GroupAttr": [{"key": "k" * 33, "value": "v"}]})) == 10045
    assert code_of(lambda: tim.call("group_open_http_svc/modify_group_attr", {
        "GroupId": group, "GroupAttr": [{"key": "k", "value": "v" * 4001}]})) == 10046
    tim.group.set_group_attrs(group, {f"k{i}": "v" for i in range(10)})
    assert code_of(lambda: tim.group.modify_group_attrs(group, {f"n{i}": "v" for i in range(7)})) == 10047
    tim.group.set_group_attrs(group, {f"k{i}": "v" * 4000 for i in range(3)})
    assert code_of(lambda: tim.group.modify_group_attrs(group, {"k9": "v" * 4000, "k8": "v"})) == 10048
    assert len(tim.group.get_group_attrs(group).attrs) == 3               # refused writes changed nothing
    assert code_of(lambda: tim.group.get_group_attrs("no-such-group")) == 10010


def test_update_group_counters_set_increase_decrease(tim, group):
    assert tim.group.update_group_counters(group, {"like": 5, "unlike": 1}).counters == {"like": 5, "unlike": 1}
    assert tim.group.update_group_counters(group, {"like": 3, "gift": 2}, mode="Increase").counters == {
        "like": 8, "gift": 2}
    assert tim.group.update_group_counters(group, {"unlike": 4}, mode="Decrease").counters == {"unlike": -3}
    assert tim.group.get_group_counters(group).counters == {"like": 8, "unlike": -3, "gift": 2}
    assert tim.group.get_group_counters(group, ["gift", "nothing"]).counters == {"gift": 2}


def test_delete_group_counters_named_or_all(tim, group):
    tim.group.update_group_counters(group, {"a": 1, "b": 2, "c": 3})
    tim.group.delete_group_counters(group, ["a"])
    assert tim.group.get_group_counters(group).counters == {"b": 2, "c": 3}
    tim.group.delete_group_counters(group)
    assert tim.group.get_group_counters(group).counters == {}


def test_counters_limits_and_community(tim, group, community):
    tim.group.update_group_counters(group, {f"k{i}": i for i in range(15)})
    assert code_of(lambda: tim.group.update_group_counters(group, {f"n{i}": i for i in range(6)})) == 10063
    assert len(tim.group.get_group_counters(group).counters) == 15
    assert code_of(lambda: tim.group.update_group_counters(group, {"k1": 2**63 - 1}, mode="Increase")) == 10004
    assert code_of(lambda: tim.group.get_group_counters(community)) == 10007
    assert code_of(lambda: tim.group.update_group_counters(community, {"a": 1})) == 10007


def test_attrs_and_counters_go_with_their_group(tim):
    tim.account.import_accounts(USERS)
    gid = tim.group.create_group("Public", "Short-lived", owner="aowner", group_id="reused-id").group_id
    tim.group.modify_group_attrs(gid, {"a": "1"})
    tim.group.update_group_counters(gid, {"c": 1})
    tim.group.destroy_group(gid)
    tim.group.create_group("Public", "New", owner="aowner", group_id="reused-id")
    assert tim.group.get_group_attrs(gid).attrs == {}
    assert tim.group.get_group_counters(gid).counters == {}


@pytest.mark.parametrize("call", [
    lambda t: t.group.modify_group_attrs("g", {}),
    lambda t: t.group.modify_group_attrs("g", {"k" * 33: "v"}),
    lambda t: t.group.modify_group_attrs("g", {"k": "v" * 4001}),
    lambda t: t.group.modify_group_attrs("g", {f"k{i}": "v" for i in range(17)}),
    lambda t: t.group.set_group_attrs("g", {f"k{i}": "v" * 4000 for i in range(5)}),
    lambda t: t.group.set_group_attrs("g", {"k": 1}),
    lambda t: t.group.delete_group_attrs("g", []),
    lambda t: t.group.get_group_attrs(""),
    lambda t: t.group.update_group_counters("g", {}),
    lambda t: t.group.update_group_counters("g", {"k": 1}, mode="Double"),
    lambda t: t.group.update_group_counters("g", {"k": 2**63}),
    lambda t: t.group.update_group_counters("g", {"k" * 129: 1}),
    lambda t: t.group.update_group_counters("g", {f"k{i}": 1 for i in range(21)}),
    lambda t: t.group.get_group_counters("g", [f"k{i}" for i in range(21)]),
    lambda t: t.group.delete_group_counters("g", ["k" * 129]),
])
def test_attrs_and_counters_arguments_checked_before_sending(tim, call):
    refused_before_sending(tim, call)
