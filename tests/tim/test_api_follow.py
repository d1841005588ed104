"""client.follow against the sandbox over HTTP: follow, unfollow, check, lists and counts."""
import pytest

from console.tim.errors import InvalidArgumentError, TimError

USERS = ["ann", "bob", "cat", "dan"]


@pytest.fixture
def people(tim):
    tim.account.import_accounts(USERS)
    return USERS


def test_follow_users_and_read_the_relation_back(tim, people):
    result = tim.follow.follow_users("ann", ["bob", "cat"])
    assert result.ok and [i.id for i in result] == ["bob", "cat"]
    assert tim.follow.get_relation("ann", "bob").following
    assert tim.follow.get_relation("bob", "ann").followed_by
    assert not tim.follow.get_relation("bob", "ann").following


def test_follow_user_single_and_per_item_failures(tim, people):
    assert tim.follow.follow_user("ann", "bob").ok
    result = tim.follow.follow_users("ann", ["bob", "ghost", "ann", "cat"])
    assert [(i.id, i.ok, i.code) for i in result] == [
        ("bob", False, 30001), ("ghost", False, 30003), ("ann", False, 30001), ("cat", True, 0)]
    with pytest.raises(TimError) as err:
        tim.follow.follow_user("ann", "bob")
    assert err.value.code == 30001


def test_follow_users_batches_over_twenty_targets(tim, people, sandbox):
    many = [f"fan{i:02d}" for i in range(45)]
    tim.account.import_accounts(many)
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    result = tim.follow.follow_users("ann", many)
    assert calls == ["follow/follow_add"] * 3
    assert [i.id for i in result] == many and result.ok
    assert len(result.raw["batches"]) == 3
    assert tim.follow.get_count("ann").following == 45
    assert set(sandbox.state.social.following["ann"]) == set(many)


def test_unfollow_users_and_unfollow_user(tim, people):
    tim.follow.follow_users("ann", ["bob", "cat", "dan"])
    result = tim.follow.unfollow_users("ann", ["bob", "cat"])
    assert result.ok
    assert [r.follow_type for r in tim.follow.check_follows("ann", ["bob", "cat", "dan"])] == [0, 0, 2]
    assert tim.follow.unfollow_user("ann", "dan").ok
    again = tim.follow.unfollow_users("ann", ["dan"])
    assert not again.ok and again[0].code == 30001


def test_check_follows_reports_every_combination(tim, people):
    tim.follow.follow_users("ann", ["bob", "cat"])
    tim.follow.follow_users("bob", ["ann"])
    tim.follow.follow_users("dan", ["ann"])
    relations = tim.follow.check_follows("ann", ["bob", "cat", "dan", "ghost"])
    assert [(r.id, r.follow_type) for r in relations][:3] == [("bob", 3), ("cat", 2), ("dan", 1)]
    assert relations[0].mutual and not relations[1].mutual
    assert not relations[3].ok and relations[3].code == 30003


def test_fetch_follows_pages_and_iterators(tim, people):
    fans = [f"fan{i}" for i in range(7)]
    tim.account.import_accounts(fans)
    tim.profile.set_profile("fan3", nick="Fan Three")
    for fan in fans:
        tim.follow.follow_user(fan, "ann")
    tim.follow.follow_users("ann", ["fan1", "fan2", "bob"])
    first = tim.follow.fetch_follows("ann", "followers", count=3)
    assert len(first.items) == 3 and first.has_more and first.next_cursor
    second = tim.follow.fetch_follows("ann", "followers", first.next_cursor, count=3)
    assert not {e.user_id for e in first.items} & {e.user_id for e in second.items}
    followers = list(tim.follow.iter_followers("ann", page_size=2))
    assert sorted(e.user_id for e in followers) == fans
    assert next(e for e in followers if e.user_id == "fan3").profile["Tag_Profile_IM_Nick"] == "Fan Three"
    assert all(e.follow_time > 0 for e in followers)
    assert sorted(e.user_id for e in tim.follow.iter_following("ann")) == ["bob", "fan1", "fan2"]
    assert sorted(e.user_id for e in tim.follow.iter_mutual("ann", page_size=1)) == ["fan1", "fan2"]
    assert tim.follow.fetch_follows("ann", 3).items and not tim.follow.fetch_follows("dan", "mutual").items


def test_iter_followers_fetches_lazily(tim, people):
    fans = [f"fan{i}" for i in range(5)]
    tim.account.import_accounts(fans)
    for fan in fans:
        tim.follow.follow_user(fan, "ann")
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    pages = tim.follow.iter_followers("ann", page_size=2)
    assert calls == []
    next(pages)
    next(pages)
    assert calls == ["follow/follow_get"]


def test_get_counts(tim, people):
    tim.follow.follow_users("ann", ["bob", "cat"])
    tim.follow.follow_users("bob", ["ann", "cat"])
    counts = tim.follow.get_counts(["ann", "bob", "cat", "ghost"])
    assert [(c.id, c.followers, c.following, c.mutual) for c in counts][:3] == [
        ("ann", 1, 2, 1), ("bob", 1, 2, 1), ("cat", 2, 0, 0)]
    assert not counts[3].ok and counts[3].code == 30003
    assert tim.follow.get_counts(["cat"], requester="dan")[0].followers == 2


@pytest.mark.parametrize("call", [
    lambda t: t.follow.follow_users("ann", []),
    lambda t: t.follow.follow_users("ann", ["bob", "bob"]),
    lambda t: t.follow.follow_users("x" * 33, ["bob"]),
    lambda t: t.follow.unfollow_users("ann", [""]),
    lambda t: t.follow.check_follows("ann", "bob"),
    lambda t: t.follow.fetch_follows("ann", "friends"),
    lambda t: t.follow.fetch_follows("ann", 4),
    lambda t: t.follow.fetch_follows("ann", count=1001),
    lambda t: t.follow.fetch_follows("ann", count=0),
    lambda t: t.follow.get_counts([]),
])
def test_follow_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []
