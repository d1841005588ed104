"""Issue #14 item 9: secrets reach child processes by environment or file, never as arguments
(every local user can read a process's arguments in `ps` or /proc/PID/cmdline)."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: options that would carry a secret as their value: --secret X, --callback-token X, --password X,
#: --token X (the *-file, *-env and *-stdin forms name where the secret is, not the secret)
SECRET_OPTION = re.compile(r"--(secret|callback-token|password|token|api-key|passwd)(?:[ =])(?!-)\S")
#: the places that start processes: scripts, the Makefile, and the commands the docs tell to type
SOURCES = [*ROOT.glob("scripts/*"), ROOT / "Makefile", ROOT / "README.md", *ROOT.glob("docs/*.md"),
           ROOT / "gunicorn.conf.py"]


def test_no_script_or_documented_command_passes_a_secret_as_an_argument():
    found = []
    for path in SOURCES:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if SECRET_OPTION.search(line) and "add_argument" not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "secrets on command lines:\n" + "\n".join(found)


def test_the_checker_sees_what_it_must(tmp_path):
    for line in ('--callback-token "$TIM_CALLBACK_TOKEN"', "--secret abc", "--password 'a long one'",
                 "--callback-token=abc"):
        assert SECRET_OPTION.search(line), line
    for line in ("--callback-token-env TIM_CALLBACK_TOKEN", "--secret-file f", "--password-stdin",
                 "--callback-token-file instance/x"):
        assert not SECRET_OPTION.search(line), line


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
@pytest.mark.parametrize("how", ["env", "file"])
def test_the_sandbox_takes_its_callback_token_from_the_environment_or_a_file(tmp_path, how):
    token = "token-that-must-not-show-" + how
    secret_file, token_file = tmp_path / "secret", tmp_path / "token"
    secret_file.write_text("sandbox-secret-key\n")
    token_file.write_text(token + "\n")
    args = [sys.executable, "-m", "console.sandbox", "--port", "0", "--secret-file", str(secret_file),
            "--callback-url", "http://127.0.0.1:9/callback"]
    args += ["--callback-token-env", "SANDBOX_TOKEN"] if how == "env" else ["--callback-token-file", str(token_file)]
    env = {**os.environ, "SANDBOX_TOKEN": token}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on" in line, line
        cmdline = pathlib.Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
        assert token not in cmdline and "sandbox-secret-key" not in cmdline
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_sandbox_reads_the_token_it_was_pointed_at(tmp_path, monkeypatch):
    from console.sandbox.__main__ import _callback_token, parse_args

    token_file = tmp_path / "token"
    token_file.write_text("from-a-file\n")
    assert _callback_token(parse_args(["--callback-token-file", str(token_file)])) == "from-a-file"
    monkeypatch.setenv("SOME_TOKEN", "from-the-env")
    assert _callback_token(parse_args(["--callback-token-env", "SOME_TOKEN"])) == "from-the-env"
    monkeypatch.delenv("SOME_TOKEN")
    with pytest.raises(SystemExit):
        _callback_token(parse_args(["--callback-token-env", "SOME_TOKEN"]))
    with pytest.raises(SystemExit):  # one source at a time
        parse_args(["--callback-token", "x", "--callback-token-file", str(token_file)])
