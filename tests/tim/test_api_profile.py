"""client.profile against the sandbox: values written are read back."""
import pytest

from console.tim.errors import InvalidArgumentError


def test_set_profile_and_get_profiles(tim, sandbox):
    tim.account.import_accounts(["p1", "p2"])
    tim.profile.set_profile("p1", {"Tag_Profile_IM_Gender": "Gender_Type_Female"}, nick="Pia", birthday=20000101,
                            allow_type="AllowType_Type_AllowAny")
    assert sandbox.state.profiles["p1"]["Tag_Profile_IM_Nick"] == "Pia"
    result = tim.profile.get_profiles(["p1", "p2", "ghost"], ["nick", "gender", "birthday", "allow_type"])
    assert [i.id for i in result] == ["p1", "p2", "ghost"]
    p1 = result.items[0]
    assert p1.ok
    assert p1.attrs["Tag_Profile_IM_Nick"] == "Pia"
    assert p1.attrs["Tag_Profile_IM_Gender"] == "Gender_Type_Female"
    assert p1.attrs["Tag_Profile_IM_BirthDay"] == 20000101
    assert p1.attrs["Tag_Profile_IM_AllowType"] == "AllowType_Type_AllowAny"
    assert result.items[1].ok
    assert not result.items[2].ok and result.items[2].code == 40003


def test_get_profile_single_raises_for_unknown(tim):
    tim.account.import_account("p3", nick="Three")
    assert tim.profile.get_profile("p3", ["nick"]).attrs == {"Tag_Profile_IM_Nick": "Three"}
    with pytest.raises(Exception) as err:
        tim.profile.get_profile("ghost", ["nick"])
    assert err.value.code == 40003


@pytest.mark.parametrize("kwargs", [
    {"gender": "female"},                     # not a Gender_Type_* value
    {"birthday": "20000101"},                 # integer tag
    {"nick": "x" * 501},                      # > 500 bytes
    {"unknown_field": "x"},
    {},
])
def test_set_profile_rejects_bad_values(tim, kwargs):
    with pytest.raises(InvalidArgumentError):
        tim.profile.set_profile("p1", **kwargs)


def test_get_profiles_batch_limit(tim):
    with pytest.raises(InvalidArgumentError, match="at most 100"):
        tim.profile.get_profiles([f"u{i}" for i in range(101)])
