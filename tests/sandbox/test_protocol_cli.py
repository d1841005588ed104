"""`python -m console.sandbox`: starts, prints its URL, answers, saves state on Ctrl-C."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests

from console.tim import usersig

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def test_cli_runs_answers_and_saves_on_interrupt(tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("cli-test-key-0123456789\n")
    state_file = tmp_path / "state.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "console.sandbox", "--port", "0", "--app-id", "1400000777",
         "--secret-file", str(secret_file), "--admin", "boss", "--state", str(state_file),
         "--rate-limit", "openim/sendmsg=5", "--group-data-key", "Level",
         "--group-data-key", "Region", "--member-data-key", "Seat"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line
        base = line.rsplit(" ", 1)[-1].strip()
        sig = usersig.generate(1400000777, "cli-test-key-0123456789", "boss")
        answer = requests.post(f"{base}/v4/im_open_login_svc/account_import",
                               params={"sdkappid": 1400000777, "identifier": "boss", "usersig": sig,
                                       "random": 1, "contenttype": "json"},
                               json={"UserID": "from_cli"}, timeout=5).json()
        assert answer["ErrorCode"] == 0
        assert requests.get(f"{base}/sandbox/health", timeout=5).json()["app_id"] == 1400000777
        config = requests.get(f"{base}/sandbox/config", timeout=5).json()["config"]
        assert config == {"group_data_keys": ["Level", "Region"], "member_data_keys": ["Seat"]}
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "cli-test-key" not in out + err
    saved = json.loads(state_file.read_text())
    assert "from_cli" in saved["accounts"]
    assert saved["app_config"]["group_data_keys"] == ["Level", "Region"]


def test_cli_refuses_a_malformed_data_key():
    from console.sandbox.__main__ import _app_config, parse_args
    assert _app_config(parse_args(["--secret", "k"])) == {}       # unconfigured: left alone
    assert _app_config(parse_args(["--secret", "k", "--member-data-key", "Seat"])) == {
        "member_data_keys": ["Seat"]}
    with pytest.raises(SystemExit) as exit_:
        _app_config(parse_args(["--secret", "k", "--group-data-key", "no-dashes"]))
    assert "no-dashes" in str(exit_.value)
