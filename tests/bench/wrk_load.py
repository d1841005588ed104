"""wrk as the callback benchmark's load generator (tests/bench/callback_ingest.py).

wrk (C, event loop, keep-alive) saturates a one-worker server where the Python generator tops out
near 2,000 requests/s before the bare server does. `make bench-deps` installs it from Debian's
packages. Every request carries a distinct signed C2C.CallbackAfterSendMsg body (distinct
EventTime/MsgRandom: no re-deliveries), built by a Lua script; the Lua `done` hook prints the
summary as one JSON line.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time

SCRIPT = r"""
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  n = 0
  headers = {["Content-Type"] = "application/json"}
end

function request()
  n = n + 1
  local from = "user" .. ((n * 7919 + id * 31) % POOL)
  local to = "user" .. ((n * 104729 + id * 17) % POOL)
  local at = START_MS + n
  local body = string.format('{"CallbackCommand":"C2C.CallbackAfterSendMsg","From_Account":"%s",' ..
    '"To_Account":"%s","MsgSeq":%d,"MsgRandom":%d,"MsgTime":%d,"MsgKey":"%d_%d_%d",' ..
    '"MsgId":"144115233406643804-%d-%d","OnlineOnlyFlag":0,"SendMsgResult":0,' ..
    '"ErrorInfo":"send msg succeed","UnreadMsgNum":3,"MsgBody":[{"MsgType":"TIMTextElem",' ..
    '"MsgContent":{"Text":"hello %d"}}],"CloudCustomData":"","EventTime":%d}',
    from, to, id, n, START_S, id, n, START_S, START_S, n, n, at)
  return wrk.format("POST", PATH, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format('BENCHJSON {"requests":%d,"duration_us":%d,"status_errors":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


class Result:
    """What one wrk run saw: `acked` = 2xx answers (wrk counts a request once it is answered)."""

    def __init__(self, data: dict):
        self.data = data
        self.requests = data["requests"]
        self.acked = data["requests"] - data["status_errors"]
        self.seconds = data["duration_us"] / 1e6
        self.p50 = data["p50_us"] / 1000
        self.p99 = data["p99_us"] / 1000
        self.errors = {k: data[k] for k in ("status_errors", "connect", "read", "write", "timeout") if data[k]}


def run(port: int, path: str, seconds: float, connections: int, threads: int = 2, pool: int = 2000) -> Result:
    """wrk -t threads -c connections -d seconds against http://127.0.0.1:port + path."""
    start_s = int(time.time())
    script = (f"POOL = {pool}\nSTART_S = {start_s}\nSTART_MS = {start_s * 1000}\n"
              f"PATH = {json.dumps(path)}\n") + SCRIPT
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s",
                              "--timeout", "5s", "-s", fh.name, f"http://127.0.0.1:{port}{path}"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    return Result(json.loads(line.split(" ", 1)[1]))
