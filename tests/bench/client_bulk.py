"""Benchmark (not part of the test suite): bulk import through the client, and per-call overhead.

    .venv/bin/python tests/bench/client_bulk.py [--accounts 10000] [--threads 4] [--calls 1000]

1. Starts the sandbox in-process and imports N accounts with client.account.import_accounts
   (100 per call) from a few threads sharing one client: accounts/s, the share of the
   documented multiaccount_import limit (100 requests/s) reached, and how many 60007
   answers the service gave (target: >= 90 % of the limit, zero 60007).
2. Per-call overhead: client.call against a bare requests.Session POST of the same body to
   the same sandbox endpoint (target: ratio <= 1.2). Pacing is off on that endpoint in both
   the sandbox and the client, so the ratio measures the client's own work.
The last line prints every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from console.sandbox import Sandbox  # noqa: E402
from console.tim import Client, usersig  # noqa: E402
from console.tim.limiter import Limiter  # noqa: E402

APP_ID, SECRET, ADMIN = 1400000001, "bench-secret-3c1e9a7f5d2b4c6e8a0f1b3d5c7e9a2f", "administrator"
IMPORT = "im_open_login_svc/multiaccount_import"
PROBE = "im_open_login_svc/account_check"


def bulk_import(base_url: str, accounts: int, threads: int) -> tuple[float, float, int, int]:
    client = Client(app_id=APP_ID, secret=SECRET, admin=ADMIN, base_url=base_url, timeout=10)
    attempts = []
    client.add_observer(lambda e: attempts.append((e.attempts, e.code)))
    batches = [[f"bench-{i:06d}" for i in range(start, min(start + 100, accounts))]
               for start in range(0, accounts, 100)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(client.account.import_accounts, batches))
    elapsed = time.perf_counter() - started
    client.close()
    imported = sum(1 for r in results for item in r.items if item.ok)
    rate_limited = sum(a - 1 for a, _ in attempts) + sum(1 for _, code in attempts if code == 60007)
    calls_per_s = len(batches) / elapsed
    return imported / elapsed, calls_per_s / Limiter().rate_for(IMPORT), rate_limited, imported


def overhead(base_url: str, calls: int) -> tuple[float, float, float]:
    """Median microseconds per call, bare session vs client, and their ratio."""
    body = {"CheckItem": [{"UserID": "bench-000001"}]}
    client = Client(app_id=APP_ID, secret=SECRET, admin=ADMIN, base_url=base_url, timeout=10,
                    rate_limits={PROBE: 1e9})
    bare = requests.Session()
    sig = usersig.generate(APP_ID, SECRET, ADMIN, 86400)
    payload = json.dumps(body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}

    def bare_call(i):
        url = f"{base_url}/v4/{PROBE}?sdkappid={APP_ID}&identifier={ADMIN}&usersig={sig}&random={i}&contenttype=json"
        data = json.loads(bare.post(url, data=payload, headers=headers, timeout=10).content)
        assert data["ErrorCode"] == 0, data

    def client_call(i):
        client.call(PROBE, body)

    bare_call(0), client_call(0)  # warm both connections
    bare_us, client_us = [], []
    # Alternate call by call so that load from other processes hits both sides alike;
    # medians keep scheduler hiccups out of the figures.
    for i in range(calls):
        for fn, out in ((bare_call, bare_us), (client_call, client_us)):
            started = time.perf_counter()
            fn(i)
            out.append((time.perf_counter() - started) * 1e6)
    client.close()
    bare.close()
    b, c = statistics.median(bare_us), statistics.median(client_us)
    return b, c, c / b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()

    sandbox = Sandbox(app_id=APP_ID, secret=SECRET, admin=ADMIN, rate_limits={PROBE: 0})
    sandbox.start(host="127.0.0.1", port=0)
    try:
        per_s, share, limited, imported = bulk_import(sandbox.base_url, args.accounts, args.threads)
        print(f"import: {imported}/{args.accounts} accounts, {per_s:,.0f} accounts/s, "
              f"{share:.0%} of the documented {IMPORT} limit, {limited} x 60007")
        bare_us, client_us, ratio = overhead(sandbox.base_url, args.calls)
        print(f"overhead: bare requests.Session {bare_us:.0f} us/call, client {client_us:.0f} us/call "
              f"(medians of {args.calls} alternating calls)")
    finally:
        sandbox.stop()
    print(f"RESULT accounts_per_s={per_s:.0f} limit_share={share:.3f} rate_limited_60007={limited} "
          f"imported={imported} bare_us={bare_us:.0f} client_us={client_us:.0f} overhead_ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
