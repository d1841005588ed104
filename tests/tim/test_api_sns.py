"""client.sns against the sandbox: friends, blocklist and friend lists, effects read back."""
import itertools

import pytest

from console.tim.api.sns import FriendSpec
from console.tim.errors import InvalidArgumentError, TimError

USERS = ["ann", "bob", "cat", "dan"]


@pytest.fixture
def people(tim):
    tim.account.import_accounts(USERS)
    for uid in USERS:
        tim.profile.set_profile(uid, allow_type="AllowType_Type_AllowAny")
    return USERS


def relation(tim, a, b):
    return tim.sns.check_friend(a, b, "both")


def test_add_friends_both_ways(tim, people):
    result = tim.sns.add_friends("ann", ["bob", FriendSpec("cat", remark="Kitty", groups=["pets"])])
    assert [i.id for i in result] == ["bob", "cat"] and result.ok
    assert relation(tim, "ann", "bob") == "CheckResult_Type_BothWay"
    friend = tim.sns.get_friend("ann", "cat")
    assert friend.remark == "Kitty" and friend.groups == ["pets"]


def test_add_friend_single_and_per_item_failure(tim, people):
    item = tim.sns.add_friend("ann", "bob", both=False)
    assert item.ok
    assert relation(tim, "ann", "bob") == "CheckResult_Type_AWithB"
    result = tim.sns.add_friends("ann", ["ghost", "cat"])
    assert [i.ok for i in result] == [False, True]
    assert result.failed[0].id == "ghost" and result.failed[0].code


def test_import_friends_one_way_with_fields(tim, people):
    result = tim.sns.import_friends("ann", [FriendSpec("bob", remark="B", groups=["g1", "g2"], add_time=1600000000),
                                            "cat"])
    assert result.ok and [i.id for i in result] == ["bob", "cat"]
    assert relation(tim, "ann", "bob") == "CheckResult_Type_AWithB"
    bob = tim.sns.get_friend("ann", "bob")
    assert bob.remark == "B" and sorted(bob.groups) == ["g1", "g2"]
    assert bob.attrs["Tag_SNS_IM_AddTime"] == 1600000000


def test_import_friend_single(tim, people):
    tim.sns.import_friend("bob", FriendSpec("dan", add_source="AddSource_Type_Web"))
    assert tim.sns.get_friend("bob", "dan").add_source == "AddSource_Type_Web"


def test_update_friends_and_update_friend(tim, people):
    tim.sns.add_friends("ann", ["bob", "cat"])
    result = tim.sns.update_friends("ann", {"bob": {"remark": "Bobby"}, "cat": {"groups": ["x"]}})
    assert result.ok
    tim.sns.update_friend("ann", "bob", groups=["work"])
    friends = tim.sns.get_friends("ann", ["bob", "cat"])
    assert friends[0].remark == "Bobby" and friends[0].groups == ["work"]
    assert friends[1].groups == ["x"]


def test_delete_friends_keeps_non_friend_failures(tim, people):
    tim.sns.add_friends("ann", ["bob", "cat"])
    result = tim.sns.delete_friends("ann", ["bob", "dan"], both=True)
    assert [(i.id, i.ok) for i in result] == [("bob", True), ("dan", False)]
    assert result.items[1].code == 31704
    assert relation(tim, "ann", "bob") == "CheckResult_Type_NoRelation"
    assert relation(tim, "ann", "cat") == "CheckResult_Type_BothWay"


def test_delete_friend_single(tim, people):
    tim.sns.add_friend("ann", "bob")
    tim.sns.delete_friend("ann", "bob")
    assert relation(tim, "ann", "bob") == "CheckResult_Type_BWithA"
    with pytest.raises(TimError):
        tim.sns.delete_friend("ann", "bob")


def test_delete_all_friends(tim, people):
    tim.sns.add_friends("ann", ["bob", "cat", "dan"])
    tim.sns.delete_all_friends("ann", both=True)
    assert tim.sns.fetch_friends("ann").items == []
    assert tim.sns.fetch_friends("bob").items == []


def test_check_friends_relations(tim, people):
    tim.sns.add_friend("ann", "bob")
    tim.sns.add_friend("ann", "cat", both=False)
    tim.sns.add_friend("dan", "ann", both=False)
    result = tim.sns.check_friends("ann", ["bob", "cat", "dan"], "both")
    assert [r.relation for r in result] == ["CheckResult_Type_BothWay", "CheckResult_Type_AWithB",
                                            "CheckResult_Type_BWithA"]
    single = tim.sns.check_friends("ann", ["bob", "dan"], "single")
    assert [r.relation for r in single] == ["CheckResult_Type_AWithB", "CheckResult_Type_NoRelation"]


def test_fetch_friends_page(tim, people):
    tim.sns.add_friends("ann", ["bob", "cat"])
    page = tim.sns.fetch_friends("ann")
    assert sorted(f.id for f in page.items) == ["bob", "cat"]
    assert page.total == 2 and not page.has_more
    assert all(f.add_source == "AddSource_Type_Admin" for f in page.items)


def test_iter_friends_pages_lazily_and_stops_early(tim, sandbox):
    ids = [f"f{i:03d}" for i in range(250)]
    tim.account.import_accounts(["owner"])
    for chunk in range(0, len(ids), 100):
        tim.account.import_accounts(ids[chunk:chunk + 100])
    for chunk in range(0, len(ids), 100):
        assert tim.sns.import_friends("owner", ids[chunk:chunk + 100]).ok
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    all_ids = [f.id for f in tim.sns.iter_friends("owner")]
    assert sorted(all_ids) == ids
    pages = calls.count("sns/friend_get")
    assert pages >= 2                     # more than one page was needed
    calls.clear()
    first = list(itertools.islice(tim.sns.iter_friends("owner"), 3))
    assert len(first) == 3 and calls.count("sns/friend_get") == 1
    calls.clear()
    tim.sns.iter_friends("owner")          # creating the generator sends nothing
    assert calls == []                    # nothing is fetched before the consumer asks


def test_get_friends_non_friend_fails_per_item(tim, people):
    tim.sns.add_friend("ann", "bob")
    result = tim.sns.get_friends("ann", ["bob", "cat"], ["Tag_SNS_IM_AddSource", "Tag_Profile_IM_AllowType"])
    assert result.items[0].ok and result.items[0].add_source == "AddSource_Type_Admin"
    assert not result.items[1].ok and result.items[1].code == 30001


def test_get_friend_single(tim, people):
    tim.sns.add_friend("ann", FriendSpec("bob", remark="R"))
    assert tim.sns.get_friend("ann", "bob", ["Tag_SNS_IM_Remark"]).attrs == {"Tag_SNS_IM_Remark": "R"}
    with pytest.raises(TimError):
        tim.sns.get_friend("ann", "cat")


def test_blacklist_add_check_fetch_delete(tim, people):
    tim.sns.add_friend("ann", "bob")
    result = tim.sns.add_blacklist("ann", ["bob", "cat"])
    assert result.ok
    again = tim.sns.add_blacklist("ann", ["bob"])
    assert not again.ok and again.items[0].code == 30001
    assert relation(tim, "ann", "bob") == "CheckResult_Type_NoRelation"   # blocking dissolves friendship
    check = tim.sns.check_blacklist("ann", ["bob", "dan"], "single")
    assert [r.relation for r in check] == ["BlackCheckResult_Type_AWithB", "BlackCheckResult_Type_NO"]
    page = tim.sns.fetch_blacklist("ann", 10)
    assert sorted(e.id for e in page.items) == ["bob", "cat"] and all(e.added_at > 0 for e in page.items)
    assert tim.sns.delete_blacklist("ann", ["bob"]).ok
    assert [e.id for e in tim.sns.iter_blacklist("ann")] == ["cat"]


def test_iter_blacklist_pages(tim, sandbox):
    ids = [f"b{i:02d}" for i in range(25)]
    tim.account.import_accounts(["owner"] + ids)
    tim.sns.add_blacklist("owner", ids)
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    assert sorted(e.id for e in tim.sns.iter_blacklist("owner", page_size=10)) == ids
    assert calls.count("sns/black_list_get") == 3
    calls.clear()
    assert len(list(itertools.islice(tim.sns.iter_blacklist("owner", page_size=10), 5))) == 5
    assert calls.count("sns/black_list_get") == 1


def test_friend_lists_add_get_delete(tim, people):
    tim.sns.add_friends("ann", ["bob", "cat"])
    added = tim.sns.add_groups("ann", ["close", "work"], ["bob", "dan"])
    assert [(i.id, i.ok) for i in added.items] == [("bob", True), ("dan", False)]
    assert added.items[1].code == 32216
    lists = tim.sns.get_groups("ann", need_friends=True)
    by_name = {l.name: l for l in lists.lists}
    assert by_name["close"].friends == ["bob"] and by_name["work"].friend_count == 1
    assert lists.sequence >= added.sequence > 0
    deleted = tim.sns.delete_groups("ann", ["work"])
    assert deleted.sequence > added.sequence
    assert [l.name for l in tim.sns.get_groups("ann").lists] == ["close"]
    assert tim.sns.get_groups("ann", ["close"]).lists[0].name == "close"


@pytest.mark.parametrize("call", [
    lambda t: t.sns.add_friends("ann", [FriendSpec("bob", add_source="AddSource_Type_123")]),
    lambda t: t.sns.add_friends("ann", [FriendSpec("bob", groups=["a", "b"])]),
    lambda t: t.sns.add_friends("ann", [FriendSpec("bob", remark="r" * 97)]),
    lambda t: t.sns.import_friends("ann", [f"u{i}" for i in range(1001)]),
    lambda t: t.sns.delete_friends("ann", [f"u{i}" for i in range(1001)]),
    lambda t: t.sns.check_friends("ann", ["bob"], "sideways"),
    lambda t: t.sns.get_friends("ann", [f"u{i}" for i in range(101)]),
    lambda t: t.sns.add_blacklist("ann", [f"u{i}" for i in range(1001)]),
    lambda t: t.sns.update_friends("ann", {"bob": {"Tag_SNS_IM_AddSource": "AddSource_Type_X"}}),
    lambda t: t.sns.add_groups("ann", ["x" * 31]),
    lambda t: t.sns.fetch_blacklist("ann", 0),
    lambda t: t.sns.import_friends("ann", [FriendSpec("bob", custom={"Tag_SNS_IM_Remark": "x"})]),
])
def test_sns_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []


def test_check_friend_single(tim, people):
    assert tim.sns.check_friend("ann", "bob") == "CheckResult_Type_NoRelation"
    tim.sns.add_friend("bob", "ann", both=False)
    assert tim.sns.check_friend("ann", "bob", "both") == "CheckResult_Type_BWithA"
    assert tim.sns.check_friend("ann", "bob", "single") == "CheckResult_Type_NoRelation"
