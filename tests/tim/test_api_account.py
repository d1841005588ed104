"""client.account against the sandbox over HTTP: every call's effect is read back."""
import pytest

from console.tim import TimError
from console.tim.errors import InvalidArgumentError, NotFoundError


def test_import_account_creates_account_with_profile(tim, sandbox):
    tim.account.import_account("alice", nick="Alice", face_url="https://img.example/a.png")
    assert "alice" in sandbox.state.accounts
    profile = tim.profile.get_profiles(["alice"], ["nick", "avatar"]).items[0]
    assert profile.attrs == {"Tag_Profile_IM_Nick": "Alice", "Tag_Profile_IM_Image": "https://img.example/a.png"}


def test_import_accounts_reports_every_item(tim, sandbox):
    result = tim.account.import_accounts(["a1", "a2", {"user_id": "a3", "nick": "Three"}])
    assert [i.id for i in result] == ["a1", "a2", "a3"]
    assert result.ok and not result.failed
    assert {"a1", "a2", "a3"} <= set(sandbox.state.accounts)
    assert tim.profile.get_profiles(["a3"], ["nick"])[0].attrs["Tag_Profile_IM_Nick"] == "Three"


def test_delete_accounts_per_item_failure_is_kept(tim, sandbox):
    tim.account.import_accounts(["d1", "d2"])
    result = tim.account.delete_accounts(["d1", "ghost", "d2"])
    assert [i.id for i in result] == ["d1", "ghost", "d2"]
    assert [i.ok for i in result] == [True, False, True]
    assert result.items[1].code == 70107
    assert not {"d1", "d2"} & set(sandbox.state.accounts)


def test_delete_account_single(tim, sandbox):
    tim.account.import_account("solo")
    item = tim.account.delete_account("solo")
    assert item.ok and item.id == "solo"
    assert tim.account.check_account("solo") is False
    with pytest.raises(NotFoundError) as err:
        tim.account.delete_account("solo")
    assert err.value.code == 70107


def test_check_accounts_and_check_account(tim):
    tim.account.import_account("here")
    result = tim.account.check_accounts(["here", "absent"])
    assert [(i.id, i.imported) for i in result] == [("here", True), ("absent", False)]
    assert tim.account.check_account("here") is True
    assert tim.account.check_account("absent") is False


def test_kick_account_invalidates_earlier_sigs(tim, sandbox):
    tim.account.import_account("kicked")
    tim.account.kick_account("kicked")
    assert sandbox.state.accounts["kicked"].get("kicked_at")
    with pytest.raises(TimError):
        tim.account.kick_account("never-imported")


def test_get_accounts_online_state(tim, sandbox):
    tim.account.import_accounts(["on", "off"])
    sandbox.state.set_online("on", "Android", True)
    result = tim.account.get_accounts_online_state(["on", "off", "nobody"], detail=True)
    by_id = result.by_id()
    assert by_id["on"].status == "Online"
    assert {"Platform": "Android", "Status": "Online"} in by_id["on"].detail
    assert by_id["off"].status == "Offline"
    assert not by_id["nobody"].ok and by_id["nobody"].code == 70107


def test_get_accounts_online_state_all_failed_is_a_result_not_an_exception(tim):
    result = tim.account.get_accounts_online_state(["x1", "x2"])
    assert result.code != 0
    assert [(i.id, i.ok, i.code) for i in result] == [("x1", False, 70107), ("x2", False, 70107)]


def test_get_account_online_state_single(tim, sandbox):
    tim.account.import_account("one")
    assert tim.account.get_account_online_state("one").status == "Offline"
    with pytest.raises(NotFoundError):
        tim.account.get_account_online_state("ghost")


def test_query_state_speaks_the_legacy_command(tim, sandbox):
    tim.account.import_accounts(["on", "off"])
    sandbox.state.set_online("on", "iPhone", True)
    endpoints = []
    tim.add_observer(lambda e: endpoints.append(e.endpoint))
    result = tim.account.query_state(["on", "off", "nobody"], detail=True)
    assert endpoints == ["openim/querystate"]
    by_id = result.by_id()
    assert (by_id["on"].status, by_id["off"].status) == ("Online", "Offline")   # read from State
    assert by_id["on"].detail and by_id["on"].raw["State"] == "Online"
    assert not by_id["nobody"].ok and by_id["nobody"].code is None            # left out of the answer


@pytest.mark.parametrize("call", [
    lambda t: t.account.import_accounts([f"u{i}" for i in range(101)]),
    lambda t: t.account.delete_accounts([f"u{i}" for i in range(101)]),
    lambda t: t.account.check_accounts([f"u{i}" for i in range(101)]),
    lambda t: t.account.get_accounts_online_state([f"u{i}" for i in range(501)]),
    lambda t: t.account.query_state([f"u{i}" for i in range(501)]),
    lambda t: t.account.import_account("x" * 33),
    lambda t: t.account.import_account("ok", nick="n" * 501),
    lambda t: t.account.check_accounts([]),
    lambda t: t.account.check_accounts(["dup", "dup"]),
])
def test_account_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError) as err:
        call(tim)
    assert err.value.code == 0 and str(err.value)
    assert seen == []
