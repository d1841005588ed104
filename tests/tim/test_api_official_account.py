"""client.official_account against the sandbox over HTTP: accounts, subscribers, broadcasts."""
import pytest

from console.sandbox.handlers import official_account as sandbox_oa
from console.tim import Client
from console.tim.errors import InvalidArgumentError, RateLimitedError, TimError

USERS = ["owner", "sue", "sam", "sid"]


@pytest.fixture
def people(tim):
    tim.account.import_accounts(USERS)
    return USERS


@pytest.fixture
def channel(tim, people):
    return tim.official_account.create("owner", "Daily News", introduction="the news").account_id


@pytest.fixture
def many_broadcasts(monkeypatch):
    """Lift the sandbox's 2-per-hour broadcast quota for tests that need a longer history."""
    monkeypatch.setattr(sandbox_oa, "BROADCASTS_PER_HOUR", 1000)


def test_create_with_generated_and_custom_ids(tim, people):
    made = tim.official_account.create("owner", "Weather")
    assert made.account_id.startswith("@TOA#_")
    custom = tim.official_account.create("owner", "Sports", account_id="@TOA#_sports", face_url="https://x/y.png",
                                         organization="Club", custom="{}", max_subscribers=10)
    assert custom.account_id == "@TOA#_sports"
    info = tim.official_account.get_account("@TOA#_sports")
    assert (info.name, info.owner, info.face_url, info.organization, info.custom, info.max_subscriber_num) == (
        "Sports", "owner", "https://x/y.png", "Club", "{}", 10)
    assert info.create_time > 0 and info.subscriber_num == 0
    with pytest.raises(TimError) as err:
        tim.official_account.create("owner", "Again", account_id="@TOA#_sports")
    assert err.value.code == 130008
    with pytest.raises(TimError) as err:
        tim.official_account.create("ghost", "Nobody's")
    assert err.value.code == 6017


def test_update_and_destroy(tim, channel):
    tim.official_account.update(channel, name="Evening News", introduction="", max_subscribers=5)
    info = tim.official_account.get_account(channel)
    assert (info.name, info.introduction, info.max_subscriber_num) == ("Evening News", "", 5)
    tim.official_account.destroy(channel)
    with pytest.raises(TimError) as err:
        tim.official_account.get_account(channel)
    assert err.value.code == 130004
    with pytest.raises(TimError) as err:
        tim.official_account.destroy(channel)
    assert err.value.code == 130004


def test_get_accounts_with_fields_and_batches(tim, people):
    ids = [tim.official_account.create("owner", f"Channel {i}").account_id for i in range(55)]
    calls = []
    tim.add_observer(lambda event: calls.append(event.endpoint))
    got = tim.official_account.get_accounts(ids + ["@TOA#_missing"], fields=["Name"])
    assert len(calls) == 2 and [a.id for a in got] == ids + ["@TOA#_missing"]
    assert got[7].name == "Channel 7" and got[7].owner == ""          # filtered out
    assert not got[55].ok and got[55].code == 130004


def test_add_and_delete_subscribers(tim, channel):
    added = tim.official_account.add_subscribers(channel, ["sue", "sam", "ghost"])
    assert [(i.id, i.result, i.ok) for i in added] == [("sue", 1, True), ("sam", 1, True), ("ghost", 0, False)]
    again = tim.official_account.add_subscribers(channel, ["sue"])
    assert again[0].result == 2 and again[0].info == "already subscribed"
    assert tim.official_account.get_account(channel).subscriber_num == 2
    removed = tim.official_account.delete_subscribers(channel, ["sue", "sid"])
    assert [(i.id, i.result) for i in removed] == [("sue", 1), ("sid", 2)]
    assert [s.user_id for s in tim.official_account.iter_subscribers(channel)] == ["sam"]


def test_add_subscribers_batches_and_respects_the_cap(tim, channel):
    crowd = [f"reader{i:03d}" for i in range(120)]
    tim.account.import_accounts(crowd[:100])
    tim.account.import_accounts(crowd[100:])
    tim.official_account.update(channel, max_subscribers=110)
    result = tim.official_account.add_subscribers(channel, crowd)
    assert len(result.raw["batches"]) == 2
    assert [i.result for i in result].count(1) == 110 and [i.result for i in result[110:]] == [0] * 10
    page = tim.official_account.fetch_subscribers(channel, limit=50)
    assert page.total == 110 and len(page.items) == 50 and page.has_more
    assert len(list(tim.official_account.iter_subscribers(channel, page_size=200))) == 110


def test_update_subscriber_and_subscribed_accounts(tim, channel):
    other = tim.official_account.create("owner", "Other").account_id
    tim.official_account.add_subscribers(channel, ["sue"])
    tim.official_account.add_subscribers(other, ["sue"])
    tim.official_account.update_subscriber(channel, "sue", "vip")
    subscriber = next(tim.official_account.iter_subscribers(channel))
    assert (subscriber.user_id, subscriber.custom, subscriber.msg_flag) == ("sue", "vip", "AcceptAndNotify")
    page = tim.official_account.fetch_subscribed_accounts("sue", limit=1)
    assert page.total == 2 and page.has_more and page.next_offset == 1 and len(page.items) == 1
    accounts = {a.id: a for a in tim.official_account.iter_subscribed_accounts("sue", page_size=1)}
    assert set(accounts) == {channel, other}
    assert accounts[channel].self_info["custom"] == "vip" and accounts[channel].name == "Daily News"
    only = tim.official_account.fetch_subscribed_accounts("sue", fields=["Name"], self_fields=["SubscribeTime"])
    assert only.items[0].owner == "" and only.items[0].self_info["subscribe_time"] > 0
    with pytest.raises(TimError) as err:
        tim.official_account.update_subscriber(channel, "sid", "x")
    assert err.value.code == 6017


def test_send_fetch_and_revoke_messages(tim, channel, many_broadcasts, sandbox):
    keys = []
    for n in range(5):
        sent = tim.official_account.send_message(channel, f"issue {n}", random=n + 1)
        keys.append(sent.msg_key)
        sandbox.state.social.official_accounts[channel]["sends"].clear()   # no 1 s wait between sends
    assert keys[0].startswith("1_1_") and sent.msg_time > 0
    page = tim.official_account.fetch_messages(channel, count=2)
    assert [m.msg_key for m in page.messages] == keys[:2:-1][:2] and page.has_more
    assert page.messages[0].sender == channel and page.messages[0].body[0]["MsgContent"]["Text"] == "issue 4"
    recalled = tim.official_account.revoke_messages(channel, [keys[1], "9_1_9"], reason="typo")
    assert [(i.id, i.ok, i.code) for i in recalled] == [(keys[1], True, 0), ("9_1_9", False, 10030)]
    history = list(tim.official_account.iter_messages(channel, page_size=2))
    assert [m.msg_key for m in history] == [keys[4], keys[3], keys[2], keys[0]]
    with_recalled = list(tim.official_account.iter_messages(channel, with_recalled=True))
    assert [m.recalled for m in with_recalled] == [False, False, False, True, False]
    assert tim.official_account.get_account(channel).last_msg_time == sent.msg_time
    with pytest.raises(TimError) as err:
        tim.official_account.revoke_message(channel, keys[1])
    assert err.value.code == 10030


def test_repeat_within_five_minutes_returns_the_first_key(tim, channel):
    first = tim.official_account.send_message(channel, "same", random=7)
    repeat = tim.official_account.send_message(channel, "same", random=7)
    assert repeat.msg_key == first.msg_key
    assert len(list(tim.official_account.iter_messages(channel))) == 1


def test_broadcast_quota_answers_too_frequent(tim, channel, sandbox):
    strict = Client(app_id=tim.app_id, secret=tim._secret, base_url=sandbox.base_url, max_retries=0)
    try:
        strict.official_account.send_message(channel, "one")
        with pytest.raises(RateLimitedError) as err:
            strict.official_account.send_message(channel, "two")
        assert err.value.code == 60018
        sandbox.state.social.official_accounts[channel]["sends"][-1] -= 2   # a second later
        strict.official_account.send_message(channel, "two")
        sandbox.state.social.official_accounts[channel]["sends"][-1] -= 2
        with pytest.raises(RateLimitedError) as err:
            strict.official_account.send_message(channel, "three")
        assert err.value.code == 60019
    finally:
        strict.close()


@pytest.mark.parametrize("call", [
    lambda t: t.official_account.create("owner", ""),
    lambda t: t.official_account.create("owner", "n" * 151),
    lambda t: t.official_account.create("owner", "ok", account_id="@TGS#_nope"),
    lambda t: t.official_account.create("owner", "ok", introduction="i" * 401),
    lambda t: t.official_account.create("owner", "ok", max_subscribers=0),
    lambda t: t.official_account.update("@TOA#_x"),
    lambda t: t.official_account.get_accounts(["@TOA#_a", "@TOA#_a"]),
    lambda t: t.official_account.get_accounts(["@TOA#_a"], fields=["Colour"]),
    lambda t: t.official_account.add_subscribers("@TOA#_a", ["sue", "sue"]),
    lambda t: t.official_account.fetch_subscribers("@TOA#_a", limit=201),
    lambda t: t.official_account.fetch_subscribed_accounts("sue", limit=0),
    lambda t: t.official_account.update_subscriber("@TOA#_a", "sue", "c" * 3001),
    lambda t: t.official_account.send_message("@TOA#_a", "x", online_only=True, no_last_msg=True),
    lambda t: t.official_account.send_message("@TOA#_a", "x" * 13000),
    lambda t: t.official_account.revoke_messages("@TOA#_a", ["1_1_1"], reason="r" * 101),
    lambda t: t.official_account.fetch_messages("@TOA#_a", count=21),
])
def test_official_account_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []
