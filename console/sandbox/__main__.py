"""`python -m console.sandbox`: run the IM sandbox until Ctrl-C (see docs/sandbox.md)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from . import appconfig, simulate
from .server import Sandbox


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m console.sandbox",
                                description="Local emulator of the Tencent Cloud IM REST API.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9300)
    p.add_argument("--app-id", type=int, default=1400000001)
    key = p.add_mutually_exclusive_group()
    key.add_argument("--secret", help="the app's secret key (prefer --secret-file)")
    key.add_argument("--secret-file", help="file holding the secret key")
    p.add_argument("--admin", default="administrator", help="App admin identifier")
    p.add_argument("--extra-admin", action="append", default=[], help="another App admin (repeatable)")
    p.add_argument("--callback-url")
    token = p.add_mutually_exclusive_group()
    token.add_argument("--callback-token", help="the callback token (prefer --callback-token-file or "
                       "--callback-token-env: an argument is visible to every local user in ps)")
    token.add_argument("--callback-token-file", metavar="PATH", help="file holding the callback token")
    token.add_argument("--callback-token-env", metavar="NAME",
                       help="environment variable holding the callback token")
    p.add_argument("--seed", choices=["demo"])
    p.add_argument("--simulate", type=float, metavar="RATE", help="simulated events per second")
    p.add_argument("--state", metavar="FILE", help="load state from FILE and save it there")
    p.add_argument("--rate-limit", action="append", default=[], metavar="ENDPOINT=RATE",
                   help="override an endpoint's requests/s (0 = unlimited; repeatable)")
    p.add_argument("--group-data-key", action="append", metavar="KEY",
                   help="a configured AppDefinedData key (repeatable; then only these are accepted)")
    p.add_argument("--member-data-key", action="append", metavar="KEY",
                   help="a configured AppMemberDefinedData key (repeatable, as above)")
    faults = p.add_argument_group("fault injection")
    faults.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of calls that fail (0..1)")
    faults.add_argument("--error-code", type=int, default=70500)
    faults.add_argument("--http-status", type=int, choices=[500, 502, 503, 504])
    faults.add_argument("--drop", action="store_true", help="close connections without answering")
    faults.add_argument("--timeout", action="store_true", help="hold each call, then drop it")
    faults.add_argument("--fault-endpoint", action="append", metavar="SVC/CMD",
                        help="limit faults to this endpoint (repeatable)")
    return p.parse_args(argv)


def _secret(args) -> str:
    if args.secret_file:
        with open(args.secret_file, encoding="utf-8") as fh:
            return fh.read().strip()
    if args.secret:
        return args.secret
    sys.exit("a secret key is required: --secret-file FILE or --secret KEY")


def _callback_token(args) -> str | None:
    """The callback token from a file, an environment variable or (discouraged) the argument."""
    if args.callback_token_file:
        with open(args.callback_token_file, encoding="utf-8") as fh:
            return fh.read().strip() or None
    if args.callback_token_env:
        value = os.environ.get(args.callback_token_env, "").strip()
        if not value:
            sys.exit(f"--callback-token-env: ${args.callback_token_env} is empty or unset")
        return value
    return args.callback_token


def _rate_limits(pairs) -> dict:
    limits = {}
    for pair in pairs:
        name, _, rate = pair.partition("=")
        try:
            limits[name] = float(rate)
        except ValueError:
            sys.exit(f"--rate-limit expects ENDPOINT=RATE, got {pair!r}")
    return limits


def _app_config(args) -> dict:
    """The console settings given on the command line (appconfig.py); the others stay as the
    state file or the seed has them."""
    given = {"group_data_keys": args.group_data_key, "member_data_keys": args.member_data_key}
    config = {name: keys for name, keys in given.items() if keys is not None}
    try:
        return appconfig.checked(config)
    except ValueError as exc:
        sys.exit(f"--group-data-key / --member-data-key: {exc}")


def main(argv=None) -> int:
    args = parse_args(argv)
    sandbox = Sandbox(app_id=args.app_id, secret=_secret(args), admin=args.admin,
                      admins=args.extra_admin, callback_url=args.callback_url,
                      callback_token=_callback_token(args), state_file=args.state,
                      rate_limits=_rate_limits(args.rate_limit), seed=args.seed,
                      app_config=_app_config(args))
    sandbox.faults.set(latency=args.latency, error_rate=args.error_rate, error_code=args.error_code,
                       http_status=args.http_status, drop=args.drop, timeout=args.timeout,
                       endpoints=args.fault_endpoint)
    sandbox.start(args.host, args.port)
    simulator = None
    if args.simulate:
        simulator = simulate.start(sandbox, args.simulate)
    print(f"IM sandbox for app {args.app_id} listening on {sandbox.base_url}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if simulator is not None:
            simulator.stop()
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
