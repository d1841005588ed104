"""Benchmark of the callback hot path (not part of the test suite).

    .venv/bin/python tests/bench/callback_ingest.py [--seconds 10] [--connections N]
        [--load auto|wrk|python] [--workers 1] [--viewers 50] [--database-url URL]
        [--redis-url URL] [--server-cpus LIST] [--worker-class gthread --threads 16] [--rules]

1. A bare ack-only WSGI app (`bare_app` below: read the body, answer the OK ack) and then the
   console (`wsgi:app`) run under the same gunicorn settings as `make run` deploys them
   (gunicorn.conf.py: the gevent worker; 1 worker; SQLite under a temporary instance unless
   --database-url).
2. The load: wrk when it is installed (`make bench-deps`; `wrk -t2 -c32`, keep-alive, distinct
   signed C2C.CallbackAfterSendMsg bodies, tests/bench/wrk_load.py), else (or with
   `--load python`) a separate Python process posting signed State.StateChange callbacks over
   16 keep-alive connections, which saturates near 2,000 requests/s: below what the bare server
   answers, so its ratio flatters the console. Runs for --seconds; acks and latencies reported.
3. Printed: durable callbacks/s (rows the database holds afterwards / duration), the ratio to the
   bare ceiling, p50/p99 ack latency, lost = acked - stored (must be 0), then the ack-to-browser
   latency with --viewers open SSE streams. Targets: ratio >= 0.6 (goal 0.7), p99 < 50 ms,
   0 lost, ack-to-browser p99 < 100 ms.
4. Where the servers' CPU went (Linux): CPU time and context switches of the gunicorn workers
   per request, for both servers. `--server-cpus 1` runs both under `taskset -c 1` (one core,
   the load generator keeps the other). `--worker-class gthread --threads 16` runs both servers
   with threads instead (the deployment before gevent): CPython threads bounce the GIL between
   cores, which roughly doubles what a callback costs.
5. `--rules` (issue #18's budget): the load posts C2C.CallbackBeforeSendMsg messages instead
   (the rules answer those), first with no rule, then with 10 rules (regular expressions, word
   lists, account lists, a flag rule on a 10,000-word keyword list) active; both figures are
   printed side by side (target: with rules >= 90% of without).
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wrk_load  # noqa: E402  (tests/bench/wrk_load.py)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.dirname(sys.executable)
APP_ID = 1400000001
TOKEN = "bench-callback-token"
PASSWORD = "bench password long enough"
ACK = b'{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
POOL = 2000  # distinct users in the throughput run
ERRORS: dict[str, int] = {}  # per load process: failed posts by cause


def bare_app(environ, start_response):
    """The ceiling: what answering a callback costs with no work at all."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(ACK)))])
    return [ACK]


# ---- servers ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def wait_answering(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login")
            conn.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError(f"no HTTP answer on {port}")


class Gunicorn:
    def __init__(self, target: str, env: dict, args, chdir: str = ROOT):
        self.port = free_port()
        pin = ["taskset", "-c", args.server_cpus] if args.server_cpus else []
        overrides = (["-k", args.worker_class] if args.worker_class else []) + \
            (["--threads", str(args.threads)] if args.threads else [])
        self.proc = subprocess.Popen(
            pin + [os.path.join(BIN, "gunicorn"), "-c", os.path.join(ROOT, "gunicorn.conf.py")]
            + overrides + ["--workers", str(args.workers), "-b", f"127.0.0.1:{self.port}",
                           "--graceful-timeout", "2", "--chdir", chdir, target],
            env=env, stdout=subprocess.DEVNULL, start_new_session=True,
            stderr=open(os.environ["BENCH_SERVER_LOG"], "a") if os.environ.get("BENCH_SERVER_LOG")
            else subprocess.DEVNULL)
        wait_listening(self.port)
        wait_answering(self.port)  # workers import the app after the socket is bound

    def usage(self) -> tuple[float, int] | None:
        """CPU seconds and context switches of the workers so far (Linux /proc), or None."""
        try:
            pids = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True,
                                  text=True, check=True).stdout.split()
            ticks, switches = 0, 0
            for pid in pids:
                with open(f"/proc/{pid}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/status") as fh:
                        switches += sum(int(line.split()[1]) for line in fh if "ctxt_switches" in line)
            return ticks / os.sysconf("SC_CLK_TCK"), switches
        except (OSError, ValueError, subprocess.CalledProcessError):
            return None

    def profile(self, path: str, seconds: float) -> list[subprocess.Popen]:
        """py-spy on each worker for `seconds` (collapsed stacks into path.<pid>)."""
        pids = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout.split()
        return [subprocess.Popen([os.path.join(BIN, "py-spy"), "record", "--format", "raw", "--rate", os.environ.get("BENCH_SPY_RATE", "250"),
                                  "--nonblocking", "-d", str(int(seconds)), "-o", f"{path}.{pid}", "-p", pid],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in pids]

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# ---- load (runs in its own process) -----------------------------------------------------------

def signed_path(command: str) -> str:
    import hashlib

    at = int(time.time())
    return "/callback?" + urlencode({
        "SdkAppid": APP_ID, "CallbackCommand": command, "contenttype": "json", "ClientIP": "203.0.113.9",
        "OptPlatform": "Android", "RequestTime": at,
        "Sign": hashlib.sha256(f"{TOKEN}{at}".encode()).hexdigest()})


#: texts of the --rules load: most match nothing (every rule is tried), a few match one rule
TEXTS = ["see you at the station at eight, bring the tickets please",
         "周末一起去爬山吧，记得带水和相机",
         "the quarterly report is attached, numbers look fine to me",
         "Ｆｕｌｌ　ｗｉｄｔｈ text from an old phone keyboard 你好",
         "cheap pills without prescription, click here", "加我微信，高价回收账号"]


def _body(command: str, user: str, n: int) -> str:
    now = int(time.time() * 1000)
    if command == "C2C.CallbackBeforeSendMsg":
        return json.dumps({"CallbackCommand": command, "From_Account": user, "To_Account": "peer",
                           "MsgSeq": n, "MsgRandom": n * 31 % 65536, "MsgTime": now // 1000, "EventTime": now,
                           "MsgKey": f"{n}_{user}_{now}",
                           "MsgBody": [{"MsgType": "TIMTextElem",
                                        "MsgContent": {"Text": TEXTS[n % len(TEXTS)]}}]},
                          ensure_ascii=False)
    return json.dumps({"CallbackCommand": "State.StateChange", "EventTime": now,
                       "Info": {"Action": "Login", "To_Account": user, "Reason": "Register"}})


def _load_thread(port: int, stop_at: float, tag: str, out: list, marks: dict | None, pace: float,
                 command: str = "State.StateChange"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    while time.time() < stop_at:
        n += 1
        # marked runs need unique users to find each event in the streams; the throughput run
        # cycles through a pool of users, as real traffic does
        user = f"{tag}-{n}" if marks is not None else f"user{(n * 7919 + hash(tag)) % POOL}"
        body = _body(command, user, n).encode()
        started = time.perf_counter()
        try:
            conn.request("POST", signed_path(command), body,
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            # a rule's deny is an answer too (ActionStatus OK, a non-zero ErrorCode)
            ok = response.status == 200 and json.loads(response.read()).get("ActionStatus") == "OK"
            if not ok:
                ERRORS.setdefault(f"HTTP {response.status}", 0)
                ERRORS[f"HTTP {response.status}"] += 1
        except (OSError, http.client.HTTPException, ValueError) as exc:
            ERRORS.setdefault(type(exc).__name__, 0)
            ERRORS[type(exc).__name__] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            out.append(elapsed)
            if marks is not None:
                marks[user] = time.time()
        if pace:
            time.sleep(pace)


def load(port: int, seconds: float, connections: int, pace: float = 0.0, queue=None,
         mark: bool = False, command: str = "State.StateChange") -> None:
    """Post callbacks from `connections` threads; put (latencies, ack marks) on `queue`."""
    stop_at = time.time() + seconds
    latencies: list[float] = []
    marks: dict | None = {} if mark else None
    threads = [threading.Thread(target=_load_thread,
                                args=(port, stop_at, f"c{i}", latencies, marks, pace, command))
               for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if ERRORS:
        print(f"load errors: {ERRORS}", file=sys.stderr)
    queue.put((latencies, marks))


def run_load(port: int, seconds: float, connections: int, pace: float = 0.0, mark: bool = False,
             command: str = "State.StateChange"):
    queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=load,
                                           args=(port, seconds, connections, pace, queue, mark, command))
    proc.start()
    result = queue.get()
    proc.join()
    return result


# ---- SSE viewers (their own process too) ------------------------------------------------------

def _session_cookie(port: int, name: str) -> str:
    import requests

    s = requests.Session()
    base = f"http://127.0.0.1:{port}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(base + "/login").text).group(1)
    for c in s.cookies:
        c.secure = False
    response = s.post(base + "/login", data={"name": name, "password": PASSWORD, "csrf_token": token},
                      allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"bench login failed: HTTP {response.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def _viewer(port: int, cookie: str, seen: list, ready: threading.Barrier, stop: threading.Event):
    sock = socket.create_connection(("127.0.0.1", port))
    from requests.utils import default_user_agent  # the session is bound to the login's agent

    sock.sendall((f"GET /events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                  f"User-Agent: {default_user_agent()}\r\nAccept: text/event-stream\r\n\r\n").encode())
    sock.settimeout(1.0)
    buffer = b""
    mine: set = set()
    ready.wait()
    while not stop.is_set():
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        now = time.time()
        if not buffer and not mine and not chunk.startswith(b"HTTP/1.1 200"):
            print(f"viewer refused: {chunk[:40]!r}", file=sys.stderr)
            break
        buffer += chunk
        for user in re.findall(rb"\b(c\d+-\d+)\b", buffer):
            if user not in mine:
                mine.add(user)
                seen.append((user.decode(), now))
        buffer = buffer[-64:]
    sock.close()


def viewers(port: int, count: int, cookie: str, seconds: float, queue, started) -> None:
    seen: list = []
    stop = threading.Event()
    ready = threading.Barrier(count + 1)
    threads = [threading.Thread(target=_viewer, args=(port, cookie, seen, ready, stop), daemon=True)
               for _ in range(count)]
    for t in threads:
        t.start()
    ready.wait()
    started.set()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(2)
    queue.put(seen)


# ---- the run ----------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def stored_count(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM callback_event")).scalar()
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=None,
                        help="open connections (default: 32 with wrk, 16 with the Python load)")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator (auto: wrk when installed)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--profile", default=None, metavar="FILE",
                        help="sample both servers' workers with py-spy during their runs (collapsed "
                             "stacks, one file per worker: FILE.bare.<pid>, FILE.console.<pid>; "
                             "BENCH_SPY_RATE samples/s, default 250; make bench-deps)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None, help="gunicorn --threads (gthread)")
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--sse-rate", type=float, default=50, help="callbacks/s during the SSE phase")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--worker-class", default=None,
                        help="gunicorn -k for both servers (default: gunicorn.conf.py's)")
    parser.add_argument("--server-cpus", default=None,
                        help="run both servers under taskset -c LIST (e.g. 1)")
    parser.add_argument("--rules", action="store_true",
                        help="post before-callbacks, without and then with 10 rules and a 10,000-word list")
    args = parser.parse_args()
    if args.load == "auto":
        args.load = "wrk" if wrk_load.available() else "python"
    if args.load == "wrk" and not wrk_load.available():
        parser.error("wrk is not installed (make bench-deps)")
    if args.connections is None:
        args.connections = 32 if args.load == "wrk" else 16

    tmp = tempfile.mkdtemp(prefix="bench-callback-")
    database_url = args.database_url or f"sqlite:///{tmp}/console.db"
    env = {**os.environ, "DATABASE_URL": database_url, "TIM_APP_ID": str(APP_ID),
           "TIM_SECRET": "bench-secret", "TIM_BASE_URL": "http://127.0.0.1:9",
           "TIM_CALLBACK_TOKEN": TOKEN, "SECRET_KEY": "bench-secret-key",
           "CONSOLE_INSTANCE": os.path.join(tmp, "instance"), "LOGIN_LIMIT": "1000 per minute",
           "EVENTS_MAX_STREAMS": str(args.viewers + 8),
           "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    flask = [os.path.join(BIN, "flask"), "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    # check=False: a database kept from an earlier run (--database-url) already has it
    subprocess.run(flask + ["operators", "create", "bench", "--role", "viewer", "--password-stdin"],
                   cwd=ROOT, env=env, check=False, capture_output=True, input=(PASSWORD + "\n").encode())
    print(f"gunicorn {args.worker_class or 'worker class of gunicorn.conf.py'}, {args.workers} worker(s)"
          f"{f' x {args.threads} threads' if args.threads else ''}"
          f"{' on CPUs ' + args.server_cpus if args.server_cpus else ''}; "
          f"{args.connections} load connections for {args.seconds:.0f}s "
          f"({'wrk -t%d' % args.wrk_threads if args.load == 'wrk' else 'Python load generator'}); "
          f"db {database_url.split(':')[0]}")

    bare = Gunicorn("callback_ingest:bare_app", env, args, chdir=os.path.dirname(__file__))
    try:
        start = bare.usage()
        spies = bare.profile(args.profile + ".bare", args.seconds) if args.profile else []
        bare_run = drive(bare.port, args)
        for spy in spies:
            spy.wait()
        bare_usage = _spent(start, bare.usage(), bare_run.acked)
    finally:
        bare.stop()
    bare_rate = bare_run.acked / bare_run.seconds

    if args.rules:
        rules_phase(args, env, database_url, bare_rate, bare_run)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    console = Gunicorn(os.environ.get("BENCH_CONSOLE_APP", "wsgi:app"), env, args)
    try:
        before = stored_count(database_url)
        start = console.usage()
        spies = console.profile(args.profile + ".console", args.seconds) if args.profile else []
        run = drive(console.port, args)
        for spy in spies:
            spy.wait()
        console_usage = _spent(start, console.usage(), run.acked)
        time.sleep(0.5)
        stored = stored_count(database_url) - before
        rate = stored / run.seconds
        print(f"bare ack-only   : {bare_rate:8.0f} acks/s   p50 {bare_run.p50:6.2f} ms  "
              f"p99 {bare_run.p99:6.2f} ms{_errors(bare_run)}")
        print(f"console /callback: {rate:8.0f} durable callbacks/s   p50 {run.p50:6.2f} ms  "
              f"p99 {run.p99:6.2f} ms{_errors(run)}")
        print(f"ratio to bare   : {rate / bare_rate:8.2f}   (goal >= 0.7)")
        print(f"lost            : {max(0, run.acked - stored):8d}   (acked {run.acked}, stored {stored}; "
              "target 0)")
        if bare_usage and console_usage:
            print(f"server per request: bare {bare_usage[0]:5.0f} us CPU, {bare_usage[1]:4.1f} context "
                  f"switches; console {console_usage[0]:5.0f} us CPU, {console_usage[1]:4.1f} switches")
    finally:
        console.stop()
    if args.viewers:
        sse_phase(args, env)
    shutil.rmtree(tmp, ignore_errors=True)


# ---- --rules: the moderation budget -------------------------------------------------------------

def _words(count: int) -> list[str]:
    """`count` distinct made-up keywords, Latin and Chinese, none of which TEXTS hold."""
    import random

    rng = random.Random(18)
    latin, han = "bcdfghjklmnpqrstvwxz", [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    words: set[str] = set()
    while len(words) < count:
        if rng.random() < 0.5:
            words.add("".join(rng.choice(latin) for _ in range(rng.randint(5, 9))))
        else:
            words.add("".join(rng.choice(han) for _ in range(rng.randint(3, 4))))
    return sorted(w for w in words if not any(w in t for t in TEXTS))


#: 10 rules on the C2C before-callback: one flag rule on the keyword list, the others regular
#: expressions (RE2), inline word lists and account lists; "cheap pills" and "加我微信" match
RULES = [
    ("flag", "keywords", ""),
    ("deny", "regex", r"(?i)\b(viagra|cialis)\b"),
    ("deny", "regex", r"^(a+)+$"),
    ("deny", "regex", r"https?://[^\s]*\.(zip|exe)"),
    ("deny", "words", "cheap pills\nprescription free"),
    ("deny", "words", "赌博\n六合彩\n代开发票"),
    ("drop", "accounts", "spammer1\nspammer2\nspammer3"),
    ("rewrite", "words", "加我微信\n高价回收"),
    ("rewrite", "regex", r"\d{11}"),
    ("flag", "regex", r"(?i)crypto|airdrop"),
]

SEED_RULES = """
import sys, time
from console.app import create_app
from console import db
from console.models import KeywordList, Rule
app = create_app()
words = sys.stdin.read()
with app.app_context():
    now = int(time.time() * 1000)
    kw = KeywordList(name="bench", words=words, whole_word=False, created_ms=now, updated_ms=now)
    db.session.add(kw)
    db.session.flush()
    for i, (action, match, pattern) in enumerate(RULES):
        db.session.add(Rule(name=f"bench {i}", scope="c2c_msg", match=match, pattern=pattern,
                            action=action, enabled=True, position=i, created_ms=now, updated_ms=now,
                            keyword_list_id=kw.id if match == "keywords" else None))
    db.session.commit()
"""


def _console_run(args, env: dict, database_url: str, command: str) -> tuple[float, list, int]:
    console = Gunicorn(os.environ.get("BENCH_CONSOLE_APP", "wsgi:app"), env, args)
    try:
        before = stored_count(database_url)
        lat, _ = run_load(console.port, args.seconds, args.connections, command=command)
        time.sleep(0.5)
        stored = stored_count(database_url) - before
    finally:
        console.stop()
    return stored / args.seconds, lat, stored


def rules_phase(args, env: dict, database_url: str, bare_rate: float, bare_run) -> None:
    command = "C2C.CallbackBeforeSendMsg"
    without = _console_run(args, env, database_url, command)
    words = _words(10_000)
    subprocess.run([sys.executable, "-c", f"RULES = {RULES!r}\n" + SEED_RULES], cwd=ROOT, env=env,
                   check=True, input="\n".join(words).encode(), capture_output=True)
    with_rules = _console_run(args, env, database_url, command)
    print(f"bare ack-only   : {bare_rate:8.0f} acks/s   p50 {bare_run.p50:6.2f} ms  "
          f"p99 {bare_run.p99:6.2f} ms")
    print(f"{command}, durable callbacks/s and ack latency:")
    print(f"{'':18}{'no rules':>26}   {'10 rules + 10,000 words':>26}")
    print(f"{'callbacks/s':18}{without[0]:26.0f}   {with_rules[0]:26.0f}")
    for name, p in (("p50 ms", .5), ("p99 ms", .99)):
        print(f"{name:18}{pct(without[1], p):26.2f}   {pct(with_rules[1], p):26.2f}")
    print(f"{'lost':18}{len(without[1]) - without[2]:26d}   {len(with_rules[1]) - with_rules[2]:26d}")
    ratio = with_rules[0] / without[0] if without[0] else 0.0
    print(f"with rules / without: {ratio:.2f}   (target >= 0.90)")


class PythonRun:
    """The Python load's results in wrk_load.Result's terms."""

    def __init__(self, latencies: list[float], seconds: float):
        self.acked = len(latencies)
        self.seconds = seconds
        self.p50, self.p99 = pct(latencies, .5), pct(latencies, .99)
        self.errors = {}


def drive(port: int, args):
    """One load run against a server: wrk or the Python generator."""
    if args.load == "wrk":
        return wrk_load.run(port, signed_path("C2C.CallbackAfterSendMsg"), args.seconds, args.connections,
                            threads=args.wrk_threads, pool=POOL)
    latencies, _ = run_load(port, args.seconds, args.connections)
    return PythonRun(latencies, args.seconds)


def _errors(run) -> str:
    return f"  errors {run.errors}" if run.errors else ""


def _spent(start, end, requests: int) -> tuple[float, float] | None:
    """(CPU microseconds, context switches) per request between two `Gunicorn.usage()`s."""
    if not (start and end and requests):
        return None
    return (end[0] - start[0]) / requests * 1e6, (end[1] - start[1]) / requests


def sse_phase(args, env: dict) -> None:
    """Ack-to-browser latency. With --threads every SSE stream holds a thread, so this server
    then gets viewers + threads threads (size gunicorn's --threads the same way in production)."""
    sized = argparse.Namespace(**{**vars(args), "threads": args.threads + args.viewers}) \
        if args.threads else args
    console = Gunicorn(os.environ.get("BENCH_CONSOLE_APP", "wsgi:app"), env, sized)
    try:
        cookie = _session_cookie(console.port, "bench")
        ctx = mp.get_context("spawn")
        queue, started = ctx.Queue(), ctx.Event()
        sse_seconds = max(args.seconds, 5)
        watcher = ctx.Process(target=viewers, args=(console.port, args.viewers, cookie,
                                                    sse_seconds + 3, queue, started))
        watcher.start()
        started.wait(30)
        time.sleep(0.5)
        per_conn = max(1, args.connections // 4)
        _lat, marks = run_load(console.port, sse_seconds, per_conn, pace=per_conn / args.sse_rate,
                               mark=True)
        seen = queue.get()
        watcher.join()
        delays = [t - marks[user] for user, t in seen if user in marks]
        got = {}
        for user, _t in seen:
            got[user] = got.get(user, 0) + 1
        complete = sum(1 for user in marks if got.get(user, 0) >= args.viewers)
        print(f"ack-to-browser  : {args.viewers} SSE viewers, {len(marks)} callbacks at "
              f"~{args.sse_rate:.0f}/s: p50 {pct(delays, .5):6.1f} ms  p99 {pct(delays, .99):6.1f} ms  "
              f"({complete}/{len(marks)} seen by every viewer; target p99 < 100 ms)")
        if delays:
            print(f"                  mean {statistics.mean(delays) * 1000:.1f} ms over {len(delays)} "
                  "deliveries")
    finally:
        console.stop()


if __name__ == "__main__":
    main()
