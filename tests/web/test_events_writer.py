"""The callback writer: one first delivery per de-duplication key, even across workers; the
commit turn shared by requests, flush() and the idle thread."""
from __future__ import annotations

import json
import threading

import pytest
from events_support import stored_events
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from console import db
from console.events import ingest
from console.events.writer import GroupWriter
from console.models.events import CallbackEvent

DENY = '{"ActionStatus":"OK","ErrorCode":1,"ErrorInfo":"first answer"}'


def _row(n: int, ack: str = DENY) -> dict:
    body = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a", "To_Account": "b",
            "MsgSeq": n, "EventTime": 1717000000000 + n, "MsgBody": []}
    raw = json.dumps(body).encode()
    described = ingest.describe({"CallbackCommand": body["CallbackCommand"]}, body)
    return ingest.build_row(query={}, raw=raw, text=raw.decode(), described=described, decision=None,
                            ack=ack, sign_status="verified", received_ms=1717000000000 + n,
                            handling_ms=0.1, app_id=1400000001)


def test_the_key_is_time_ordered_and_repeats_with_the_body():
    first, again, later = _row(1), _row(1), _row(2)
    assert first["dedup_key"] == again["dedup_key"] != later["dedup_key"]
    assert len(first["dedup_key"]) == 64
    assert first["dedup_key"].startswith("1717000000001") and first["dedup_key"] < later["dedup_key"]
    raw = b'{"CallbackCommand":"Sns.CallbackFriendAdd"}'  # no EventTime: still a stable key
    assert ingest.dedup_key("Sns.CallbackFriendAdd", raw, None) == ingest.dedup_key(
        "Sns.CallbackFriendAdd", raw, None)
    assert ingest.dedup_key("Sns.CallbackFriendAdd", raw, None).startswith("0" * 13)
    assert ingest.dedup_key("A", raw, 1) != ingest.dedup_key("B", raw, 1)


def test_a_stored_row_gives_its_online_change_again():
    """Replay feeds the directory from rows read back from the table (no "_online" then)."""
    body = {"CallbackCommand": "State.StateChange", "Info": {"Action": "Logout", "To_Account": "u9"}}
    raw = json.dumps(body).encode()
    described = ingest.describe({"CallbackCommand": "State.StateChange"}, body)
    row = ingest.build_row(query={}, raw=raw, text=raw.decode(), described=described, decision=None,
                           ack="{}", sign_status="verified", received_ms=1, handling_ms=0.1,
                           app_id=1400000001)
    stored = {k: v for k, v in row.items() if not k.startswith("_")}
    assert ingest.online_change(row) == ingest.online_change(stored) == ("u9", "Offline")
    assert ingest.online_change({**stored, "payload": "not json"}) is None
    assert ingest.online_change({**stored, "command": "C2C.CallbackAfterSendMsg"}) is None


def test_the_database_refuses_a_second_first_delivery(app):
    row = {k: v for k, v in _row(7).items() if not k.startswith("_")}
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        conn.execute(insert(CallbackEvent.__table__).values(**row))
    with pytest.raises(IntegrityError):
        with engine.begin() as conn:
            conn.execute(insert(CallbackEvent.__table__).values(**row))
    with engine.begin() as conn:  # as a flagged re-delivery it is welcome
        conn.execute(insert(CallbackEvent.__table__).values(**{**row, "duplicate_of": 1}))
    assert [r.duplicate_of for r in stored_events(app)] == [None, 1]


@pytest.mark.parametrize("rounds", [12])
def test_two_workers_storing_the_same_first_delivery_at_once_store_it_once(app, rounds):
    """Two writers with their own engines, as two gunicorn workers have, get the same callback
    at the same instant: one row is the first delivery, the other is flagged and answered alike."""
    url = app.config["DATABASE_URL"]
    writers = [GroupWriter(db.make_engine(url, poolclass=NullPool), linger=0) for _ in range(2)]
    for n in range(rounds):
        start = threading.Barrier(2)
        results = [None, None]

        def deliver(i, n=n, start=start, results=results):
            row = _row(n, ack=DENY if i == 0 else '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}')
            start.wait()
            results[i] = writers[i].store(row, timeout=10)

        threads = [threading.Thread(target=deliver, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(results), results
        flagged = [r for r in results if r.duplicate_of is not None]
        assert len(flagged) == 1, results
    rows = stored_events(app)
    assert len(rows) == 2 * rounds
    firsts = {r.dedup_key: r for r in rows if r.duplicate_of is None}
    assert len(firsts) == rounds
    for row in rows:
        if row.duplicate_of is not None:
            original = firsts[row.dedup_key]
            assert row.duplicate_of == original.id and row.ack == original.ack
    for writer in writers:
        writer.engine.dispose()


def test_a_group_holding_a_key_twice_flags_the_second(app):
    """Requests arriving together share a group commit: a key repeated inside the group, and a
    key stored earlier, are both flagged (the careful path)."""
    writer = app.extensions["events"].writer
    assert writer.store(_row(1), timeout=10).duplicate_of is None
    start = threading.Barrier(6)
    results = []

    def deliver(n):
        row = _row(n)
        start.wait()
        results.append((n, writer.store(row, timeout=10)))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in (1, 1, 2, 2, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = stored_events(app)
    assert len(rows) == 7
    firsts = {r.dedup_key: r.id for r in rows if r.duplicate_of is None}
    assert len(firsts) == 3
    assert sorted(n for n, stored in results if stored.duplicate_of is None) == [2, 3]
    assert all(r.duplicate_of in (None, firsts[r.dedup_key]) for r in rows)
    assert all(stored.ack == DENY for _n, stored in results)


def test_the_migration_flags_what_was_stored_twice_before(app):
    from alembic import command

    from console.db import alembic_config

    cfg = alembic_config(app)
    command.downgrade(cfg, "0005_accounts_search")
    twice, once = ({k: v for k, v in _row(n).items() if not k.startswith("_")} for n in (1, 2))
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        for row in (twice, once, twice, twice):
            conn.execute(insert(CallbackEvent.__table__).values(**row))
    command.upgrade(cfg, "head")
    rows = stored_events(app)
    assert [(r.id, r.duplicate_of) for r in rows] == [(1, None), (2, None), (3, 1), (4, 1)]


def test_flush_and_the_idle_thread_share_the_commit_turn_with_requests(app):
    """flush() (and the writer's own idle thread) take the commit turn between groups while
    requests keep storing: nobody waits forever and every row is stored once."""
    writer = app.extensions["events"].writer
    writer.idle_every = 0.01
    stop, results, flushes = threading.Event(), [], []

    def store(base):
        for n in range(base, base + 40):
            results.append(writer.store(_row(n), timeout=10))

    def flush():
        while not stop.is_set():
            flushes.append(writer.flush(timeout=10))

    flusher = threading.Thread(target=flush)
    flusher.start()
    threads = [threading.Thread(target=store, args=(1000 * t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    stop.set()
    flusher.join(30)
    assert len(results) == 320 and all(r is not None and r.duplicate_of is None for r in results)
    assert flushes and all(flushes)
    assert len(stored_events(app)) == 320


def test_on_sqlite_commits_leave_the_checkpoint_to_the_idle_thread(app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write-ahead log")
    import os
    import time

    path = database_url.split("///", 1)[1]
    initial = os.path.getsize(path)
    writer = GroupWriter(db.make_engine(database_url, poolclass=NullPool), idle_every=3600)
    for n in range(400):  # 400 commits: thousands of WAL pages, past SQLite's autocheckpoint
        assert writer.store(_row(1000 + n), 5.0) is not None
    assert writer._connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    assert os.path.getsize(path) == initial  # the rows are in the WAL only
    writer._checkpoint()
    assert os.path.getsize(path) > initial

    idle = GroupWriter(db.make_engine(database_url, poolclass=NullPool), idle_every=0.02)
    assert idle.store(_row(2000), 5.0) is not None
    deadline = time.monotonic() + 10
    while idle._checkpointed < idle._last_commit and time.monotonic() < deadline:
        time.sleep(0.02)
    assert idle._checkpointed == idle._last_commit  # the idle thread's pass checkpointed
    assert len(stored_events(app)) == 401


# ---- under gevent (as gunicorn.conf.py deploys it) ----------------------------------------------
# In a subprocess: monkey-patching must not reach the test process.
GEVENT_WRITER = r"""
from gevent import monkey; monkey.patch_all()
import json, sys, time
import gevent
from sqlalchemy.pool import NullPool
sys.path[:0] = [sys.argv[2], sys.argv[3]]
from test_events_writer import _row
from console import db
from console.events import writer as writer_module
from console.events.writer import GroupWriter

url = sys.argv[1]
out = {}
w = GroupWriter(db.make_engine(url, poolclass=NullPool))
out["green_wake"] = w._wake is writer_module._GreenWake
results = gevent.joinall([gevent.spawn(w.store, _row(n), 5.0) for n in range(64)])
out["stored"] = sum(1 for g in results if g.value is not None)
out["groups"] = w.groups
if w._sqlite_path:  # the checkpoint runs in a native thread while the loop goes on
    import os
    before = os.path.getsize(w._sqlite_path)
    ticks = []
    ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.001)) for _ in range(1000)])
    w._checkpoint()
    ticker.kill()
    out["checkpointed"] = os.path.getsize(w._sqlite_path) > before

# A leader stuck in a (cooperative) commit: followers give up after their timeout, with None;
# the leader's own row is stored all the same.
slow = GroupWriter(db.make_engine(url, poolclass=NullPool))
commit = slow._commit
def stuck(pendings, refusals):
    gevent.sleep(0.5)
    return commit(pendings, refusals)
slow._commit = stuck
leader = gevent.spawn(slow.store, _row(100), 5.0)
gevent.sleep(0)
followers = [gevent.spawn(slow.store, _row(101 + n), 0.1) for n in range(3)]
gevent.joinall([leader] + followers)
out["leader"] = leader.value is not None
out["followers"] = [f.value for f in followers]
print(json.dumps(out))
"""


def test_under_gevent_the_writer_groups_rows_and_followers_time_out(app, database_url):
    import os
    import subprocess
    import sys

    here = os.path.dirname(__file__)
    root = os.path.abspath(os.path.join(here, "..", ".."))
    done = subprocess.run([sys.executable, "-c", GEVENT_WRITER, database_url, here, root],
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["green_wake"]
    assert out["stored"] == 64 and out["groups"] < 64  # 64 greenlets, fewer commits
    assert out["leader"] and out["followers"] == [None, None, None]
    assert out.get("checkpointed", True)
    stored = {e.event_time for e in stored_events(app)}
    assert len(stored) == 65 and 1717000000100 in stored  # the followers' rows were withdrawn
