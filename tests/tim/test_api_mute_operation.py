"""client.mute and client.operation against the sandbox."""
from datetime import datetime, timedelta, timezone

import pytest


from console.tim.api.mute import FOREVER
from console.tim.api.operation import msg_hour
from console.tim.errors import InvalidArgumentError, TimError


def test_set_and_get_no_speaking(tim, sandbox):
    tim.account.import_account("loud")
    tim.mute.set_no_speaking("loud", c2c=3600, group=FOREVER)
    state = tim.mute.get_no_speaking("loud")
    assert 3590 <= state.c2c <= 3600 and state.group == FOREVER
    assert "loud" in sandbox.state.nospeaking
    tim.mute.set_no_speaking("loud", c2c=0)          # group left as it was
    state = tim.mute.get_no_speaking("loud")
    assert state.c2c == 0 and state.group == FOREVER


def test_set_no_speaking_needs_a_duration(tim):
    with pytest.raises(InvalidArgumentError):
        tim.mute.set_no_speaking("x")
    with pytest.raises(InvalidArgumentError):
        tim.mute.set_no_speaking("x", c2c=FOREVER + 1)


def test_get_operation_data_counts_activity(tim, sandbox):
    tim.account.import_accounts(["o1", "o2"])
    tim.c2c.send_message("o2", "hi", sender="o1")
    data = tim.operation.get_operation_data(["C2CUpMsgNum", "Date"])
    assert data.days, "at least today"
    today = max(data.days, key=lambda d: d["Date"])
    assert set(today) == {"C2CUpMsgNum", "Date"}
    assert int(today["C2CUpMsgNum"]) >= 1
    everything = tim.operation.get_operation_data()
    assert "AppId" in everything.days[0]


def test_get_history_data(tim, sandbox):
    """The log of a past hour with a message links a gzip file; the current hour is not ready (1004)."""
    tim.account.import_accounts(["h1", "h2"])
    hour = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    tim.c2c.import_message("h1", "h2", "logged", int(hour.timestamp()) + 60)
    [file] = tim.operation.get_history_data("C2C", hour).files
    assert "/msg_history/" in file.url and file.gzip_size > 0 and file.file_size > 0 and file.gzip_md5
    with pytest.raises(TimError) as err:
        tim.operation.get_history_data("C2C", hour + timedelta(hours=1))
    assert err.value.code == 1004


def test_msg_hour_is_beijing_time():
    assert msg_hour(datetime(2026, 1, 1, 16, 30, tzinfo=timezone.utc)) == "2026010200"
    assert msg_hour("2026010200") == "2026010200"
    with pytest.raises(InvalidArgumentError):
        msg_hour(datetime(2026, 1, 1, 16))          # naive: ambiguous
    with pytest.raises(InvalidArgumentError):
        msg_hour("2026-01-01")


def test_get_ip_list(tim, sandbox):
    ips = tim.operation.get_ip_list()
    assert ips.ips and all(isinstance(ip, str) for ip in ips.ips)


def test_get_ip_list_nettype(tim, sandbox):
    callback_ips = tim.operation.get_ip_list(nettype=5)
    assert callback_ips.ips and set(callback_ips.ips) <= set(tim.operation.get_ip_list(nettype=0).ips)


def test_operation_arguments_checked(tim):
    with pytest.raises(InvalidArgumentError):
        tim.operation.get_operation_data(["NotAMetric"])
    with pytest.raises(InvalidArgumentError):
        tim.operation.get_history_data("Chat", "2026010100")
    with pytest.raises(InvalidArgumentError):
        tim.operation.get_ip_list(nettype=9)
