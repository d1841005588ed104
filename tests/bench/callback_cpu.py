"""Benchmark (not part of the test suite): the console's own CPU per callback, without HTTP.

    .venv/bin/python tests/bench/callback_cpu.py [--callbacks 20000] [--concurrency 32]
        [--database-url URL] [--profile]

Under gevent's monkey-patching (as gunicorn.conf.py's gevent worker runs it), `concurrency`
greenlets call the WSGI app (`wsgi:app`'s create_app) with distinct signed
C2C.CallbackAfterSendMsg callbacks, as the server would hand them over: the lean endpoint, the
rules, the group-commit writer, its idle thread (directory feed, WAL checkpoints) all run; the
HTTP server does not. Prints the process's CPU time per callback, which the rest of the machine's
load hardly changes (unlike wrk's requests/s on a shared box), so a cut on the callback path shows
as a before/after figure here first, then in tests/bench/callback_ingest.py against the bare
server. --profile prints cProfile's top functions. No acked callback may be missing.
"""
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from sqlalchemy import text  # noqa: E402

from console.app import create_app  # noqa: E402
from console.db import upgrade  # noqa: E402

APP_ID = 1400000001
TOKEN = "bench-callback-token"
POOL = 2000


def environ(i: int, at: int) -> dict:
    body = json.dumps({
        "CallbackCommand": "C2C.CallbackAfterSendMsg", "From_Account": f"user{(i * 7919) % POOL}",
        "To_Account": f"user{(i * 104729) % POOL}", "MsgSeq": i, "MsgRandom": i, "MsgTime": at,
        "MsgKey": f"{i}_{i}_{at}", "MsgId": f"144115233406643804-{at}-{i}", "OnlineOnlyFlag": 0,
        "SendMsgResult": 0, "ErrorInfo": "send msg succeed", "UnreadMsgNum": 3,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": f"hello {i}"}}],
        "CloudCustomData": "", "EventTime": at * 1000 + i}, separators=(",", ":")).encode()
    query = (f"SdkAppid={APP_ID}&CallbackCommand=C2C.CallbackAfterSendMsg&contenttype=json"
             f"&ClientIP=203.0.113.9&OptPlatform=Android&RequestTime={at}"
             f"&Sign={hashlib.sha256(f'{TOKEN}{at}'.encode()).hexdigest()}")
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/callback", "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
            "REMOTE_ADDR": "127.0.0.1", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--callbacks", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime", help="cProfile order (tottime, cumulative)")
    parser.add_argument("--no-freeze", action="store_true", help="skip gc.freeze() after start-up")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-cpu-")
    app = create_app({"INSTANCE_PATH": os.path.join(tmp, "instance"),
                      "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/console.db",
                      "TIM_APP_ID": str(APP_ID), "TIM_SECRET": "bench-secret", "TIM_BASE_URL": "http://127.0.0.1:9",
                      "TIM_CALLBACK_TOKEN": TOKEN, "SECRET_KEY": "bench-secret-key", "REDIS_URL": ""})
    upgrade(app)
    at = int(time.time())
    warm = [environ(i, at) for i in range(500)]
    work = [environ(i, at) for i in range(500, 500 + args.callbacks)]
    acked = [0]

    def start_response(status, headers):
        acked[0] += status.startswith("200")

    def client(environs):
        for env in environs:
            b"".join(app(env, start_response))

    def run(environs):
        chunks = [environs[i::args.concurrency] for i in range(args.concurrency)]
        gevent.joinall([gevent.spawn(client, chunk) for chunk in chunks])

    run(warm)
    if not args.no_freeze:
        gc.freeze()  # as gunicorn.conf.py's post_worker_init does once the app is loaded
    gcs = {"t": 0.0, "n": [0, 0, 0], "at": 0.0}

    def gc_time(phase, info):
        if phase == "start":
            gcs["at"] = time.perf_counter()
        else:
            gcs["t"] += time.perf_counter() - gcs["at"]
            gcs["n"][info["generation"]] += 1
    gc.callbacks.append(gc_time)
    acked[0] = 0
    with app.extensions["db_engine"].connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM callback_event")).scalar()
    profiler = cProfile.Profile() if args.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    run(work)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    app.extensions["events"].writer.flush()
    with app.extensions["db_engine"].connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM callback_event")).scalar() - before
    writer = app.extensions["events"].writer
    print(f"{args.callbacks} callbacks, {args.concurrency} greenlets, "
          f"{(args.database_url or 'sqlite').split(':')[0]}: {cpu / args.callbacks * 1e6:6.1f} us CPU per callback, "
          f"{args.callbacks / wall:7.0f} callbacks/s (one process, no HTTP); "
          f"{writer.rows / max(writer.groups, 1):.1f} rows per group; acked {acked[0]}, stored {stored}, "
          f"lost {max(0, acked[0] - stored)}")
    print(f"garbage collections during the run: {gcs['n']} by generation, {gcs['t'] * 1000:.0f} ms")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)


if __name__ == "__main__":
    main()
