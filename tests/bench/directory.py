"""Benchmark (not part of the test suite): the accounts list and search on a big directory.

    .venv/bin/python tests/bench/directory.py [--accounts 100000] [--requests 100] [--pg URL]

Fills a fresh database with N accounts (SQLite in a temporary directory, then PostgreSQL in a
throw-away schema when --pg, BENCH_DATABASE_URL or TEST_DATABASE_URL names one that answers),
signs in through the console and times list and search requests in-process (the server's own
time: routing, queries, rendering; no network). Prints p50 / p95 / max per request kind (the
target is p95 < 50 ms), and this process's CPU time per request beside it: on a shared host the
wall times follow the others' load, the CPU time much less (on SQLite it includes the queries; a
PostgreSQL server's own work is not in it). No IM call is made by these pages.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from sqlalchemy import create_engine, text  # noqa: E402

from console import db, security  # noqa: E402
from console.app import create_app  # noqa: E402
from console.db import upgrade  # noqa: E402
from console.models import ACCOUNT_SOURCES, Operator  # noqa: E402

PASSWORD = "bench password 123"
WORDS = ["Ann", "Bob", "Chen", "Dana", "Eve", "Fang", "Gus", "Hana", "Ivan", "Jun", "Kai", "Lena", "Ming", "Nora"]
HX = {"HX-Request": "true", "HX-Target": "account-results"}


COLUMNS = ("user_id", "nickname", "source", "first_seen", "last_seen", "online_state", "imported",
           "muted_c2c", "muted_group")


def generate(n: int):
    """The bench directory's rows as tuples in COLUMNS order (times as aware datetimes)."""
    rnd = random.Random(7)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    states = ["Online", "PushOnline", "Offline", None, None]
    for i in range(n):
        seen = start + dt.timedelta(seconds=rnd.randrange(300 * 86400))
        yield (f"user{i:06d}", f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i}", rnd.choice(ACCOUNT_SOURCES),
               seen, seen, rnd.choice(states), True, rnd.random() < 0.02, False)


def fill(app, n: int) -> None:
    """Bulk-load n accounts through the driver (the schema's indexes and triggers all apply):
    COPY on PostgreSQL, one executemany in one transaction on SQLite."""
    engine = app.extensions["db_engine"]
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cur.copy(f"COPY account ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in generate(n):
                    copy.write_row(row)
        else:
            _sqlite_load(cur, n)
        cur.close()
        raw.commit()
    finally:
        raw.close()
    with db.new_session(app) as sess:
        sess.add(Operator(name="bench", role="admin", password_hash=security.hash_password(PASSWORD)))


def _sqlite_load(cur, n: int) -> None:
    """The FTS5 triggers (migration 0010) index one row at a time; a bulk load is faster without
    them and one 'rebuild' of the trigram table after, which also leaves the index merged (as
    its periodic 'optimize' would). The triggers are created again as the migration made them."""
    triggers = cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'account'"
                           ).fetchall()
    for name, _sql in triggers:
        cur.execute(f'DROP TRIGGER "{name}"')

    def rows():  # SQLAlchemy's SQLite format for DateTime: naive UTC, microseconds
        for row in generate(n):
            stamp = row[3].strftime("%Y-%m-%d %H:%M:%S.000000")
            yield (*row[:3], stamp, stamp, row[5], 1, int(row[7]), 0)
    cur.executemany(f"INSERT INTO account ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows())
    if any(name.startswith("account_nick_fts") for name, _sql in triggers):
        cur.execute("INSERT INTO account_nick_fts(account_nick_fts) VALUES ('rebuild')")
    for _name, sql in triggers:
        cur.execute(sql)


def sign_in(app):
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    resp = client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.status_code
    return client


def scenarios(n: int) -> dict[str, list[tuple[str, dict]]]:
    rnd = random.Random(11)
    ids = [f"user{rnd.randrange(n):06d}" for _ in range(50)]
    return {
        "list, first page (full page)": [("/accounts", {})],
        "list, first page (fragment)": [("/accounts", HX)],
        "list, filtered online+source": [("/accounts?online=Online&source=crawl", HX)],
        "list, sort last seen": [("/accounts?sort=-last_seen&size=100", HX)],
        "count (lazy, after the list)": [("/accounts/count", HX), ("/accounts/count?online=Online&source=crawl", HX)],
        "list, deep keyset page": [("/accounts?size=50&after=" + _cursor(uid), HX) for uid in ids],
        "search, ID prefix": [(f"/accounts?q={uid[:9]}", HX) for uid in ids],
        "search, exact ID": [(f"/accounts?q={uid}", HX) for uid in ids],
        "search, nickname part": [(f"/accounts?q={w.lower()}+{v.lower()}", HX) for w in WORDS[:5] for v in WORDS[:4]],
        "search, rare nickname part": [(f"/accounts?q=+{rnd.randrange(n)}", HX) for _ in range(20)],
    }


def _cursor(user_id: str) -> str:
    import base64
    import json
    return base64.urlsafe_b64encode(json.dumps([user_id, user_id]).encode()).decode().rstrip("=")


def measure(client, urls: list[tuple[str, dict]], count: int) -> tuple[list[float], list[float]]:
    for url, headers in urls[:3]:  # warm caches
        client.get(url, headers=headers)
    times, cpu = [], []
    for i in range(count):
        url, headers = urls[i % len(urls)]
        started, cpu_started = time.perf_counter(), time.process_time()
        resp = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
    return times, cpu


def run(label: str, database_url: str, accounts: int, requests: int, instance: str) -> list[str]:
    app = create_app({"TESTING": True, "INSTANCE_PATH": instance, "DATABASE_URL": database_url,
                      "TIM_APP_ID": "1400000001", "TIM_SECRET": "bench-secret", "TIM_BASE_URL": "http://127.0.0.1:9",
                      "SECRET_KEY": "bench-secret-key", "REDIS_URL": "", "LOGIN_LIMIT": "1000 per minute"})
    upgrade(app)
    started = time.perf_counter()
    fill(app, accounts)
    if database_url.startswith("postgresql"):
        with app.extensions["db_engine"].begin() as conn:
            conn.execute(text("ANALYZE account"))
    print(f"[{label}] {accounts} accounts loaded in {time.perf_counter() - started:.1f} s", flush=True)
    client = sign_in(app)
    lines = []
    for name, urls in scenarios(accounts).items():
        times, cpu = (sorted(values) for values in measure(client, urls, requests))
        p95, cpu95 = (values[max(0, int(len(values) * 0.95) - 1)] for values in (times, cpu))
        line = (f"{label:10s} {name:32s} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
                f"max {times[-1]:6.1f} ms  {'OK' if p95 < 50 else 'SLOW'}  "
                f"(this process's CPU p50 {statistics.median(cpu):5.1f} ms p95 {cpu95:5.1f} ms)")
        print(line, flush=True)
        lines.append(line)
    app.extensions["db_engine"].dispose()
    return lines


def pg_schema_url(base: str):
    """A throw-away schema in `base` (dropped by the returned cleanup), or None when unreachable."""
    if base.startswith("postgresql://") or base.startswith("postgres://"):
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        schema = "bench_" + uuid.uuid4().hex[:10]
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server: report and skip
        print(f"PostgreSQL unavailable ({type(exc).__name__}); skipped", flush=True)
        return None, None

    def cleanup():
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", cleanup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += run("SQLite", f"sqlite:///{tmp}/bench.db", args.accounts, args.requests, os.path.join(tmp, "i1"))
        if args.pg:
            url, cleanup = pg_schema_url(args.pg)
            if url:
                try:
                    results += run("PostgreSQL", url, args.accounts, args.requests, os.path.join(tmp, "i2"))
                finally:
                    cleanup()
        else:
            print("PostgreSQL: no --pg / BENCH_DATABASE_URL / TEST_DATABASE_URL; skipped", flush=True)
    print("\nsummary (target p95 < 50 ms):")
    print("\n".join(results))


if __name__ == "__main__":
    main()
