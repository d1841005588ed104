"""The ingest writer: callback rows committed in small groups, by the requests themselves.

Leader/follower group commit: a request puts its row in the open group and, when nobody holds the
commit turn, takes it and leads: it takes every row queued so far, stores them, marks them stored
and wakes each follower (one lock release each), whose rows rode along; then it hands the turn to
the first row of the next group, which leads that one. An ack therefore always means "stored", at
one commit per group and no hand-off to another thread. Under load the leader lingers a moment
so that the group fills up: under gevent until the event loop has nothing else ready (every
request already received has joined), at most LINGER; with threads for LINGER.

A group is stored by one autocommitted multi-row INSERT. A unique index on `dedup_key` over first
deliveries (`duplicate_of IS NULL`) is what recognises re-deliveries, even when two workers get
the same callback at once: when it refuses the group (or a key repeats inside the group), the
careful path looks the first deliveries up and stores the group in one transaction, each
re-delivery flagged (`duplicate_of`) and answered with its first delivery's ack.

A request may hand over its raw material instead of a row, with the function that turns it into
one (`store(item, timeout, prepare)`): the leader prepares the whole group, one item after the
other, before storing it. The same code run for 30 items in a row costs about half what it costs
run once per request between the server's own work (its instructions and data stay in the CPU's
caches), and the group waits for its commit anyway. An item its `prepare` refuses (raises) is
left out of the group, and `store` raises the same exception to its request.

One small background thread takes the commit turn now and then (at least every `idle_every`
seconds) for work nobody waits for: refusal counters, the directory feed (`on_idle`), closing the
connections after a quiet spell. Everything that writes holds the turn, so on SQLite nothing here
fights over the write lock.

On SQLite under gevent the group's INSERT runs in a native thread (gevent's pool, `run_native`):
SQLite releases the GIL while it writes, so the event loop goes on reading and parsing the next
requests on the other core meanwhile, and they form the next group. One hand-off per group, not
per row. (PostgreSQL's driver already yields to the loop while it waits.)

On SQLite the writer's commits never checkpoint the WAL themselves: a checkpoint copies pages into
the database file and syncs it, milliseconds that every callback of the group (and, under gevent,
the whole worker) would wait out. The background thread checkpoints after its turn instead
(PASSIVE: it neither waits for nor blocks readers and the next commit), in a native thread.
"""
from __future__ import annotations

import functools
import logging
import operator
import os
import sqlite3
import threading
import time
from _thread import allocate_lock as _allocate_lock
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from sqlalchemy import event, insert, update
from sqlalchemy.engine import Connection, Engine

from console.db import gevent_patched, run_native
from console.models.events import CallbackEvent, CallbackRefusal, CallbackRefusalMinute

log = logging.getLogger(__name__)

#: Under load (the last commit ended less than BUSY seconds ago) a leader waits LINGER seconds
#: before taking its group, so that requests still being parsed join it: fewer, larger commits
#: cost far less CPU per row (each commit is a round of WAL writes and locks) than they add in
#: latency. Light traffic commits at once.
BUSY = 0.005
LINGER = 0.002
#: rows per INSERT statement (SQLite allows 32766 parameters: 21 columns x 500 rows is well inside)
INSERT_CHUNK = 500

EVENTS = CallbackEvent.__table__
REFUSALS = CallbackRefusal.__table__
REFUSAL_MINUTES = CallbackRefusalMinute.__table__


def _until_idle(at_most: float) -> None:
    """How a leader waits for the rest of its group under gevent. Requests join only while the
    leader yields, and all of them at once when the loop runs dry: waiting for the loop to be idle
    gathers every request already received, without sleeping past the last one. (With threads,
    others parse in parallel: the leader sleeps.)"""
    import gevent

    with gevent.Timeout(at_most, False):
        gevent.idle()


@dataclass
class Stored:
    """What the writer did with one row."""

    ack: str
    decision: str | None
    duplicate_of: int | None
    command: str | None = None


class Pending:
    """A row waiting for its group's commit. `wake` is released once, by the leader that
    answered the row or handed it the turn (see `_thread_wake` and `_GreenWake`). With a
    `prepare`, `row` holds the item until the leader turns it into the row; `refused` is what
    `prepare` raised instead."""

    __slots__ = ("error", "lead", "prepare", "refused", "result", "row", "wake")

    def __init__(self, row, wake=None, prepare: Callable[[object], dict] | None = None):
        self.row = row
        self.prepare = prepare
        self.refused: BaseException | None = None
        self.result: Stored | None = None
        self.error: str | None = None
        self.lead = False  # handed the commit turn: commit the open group
        self.wake = wake if wake is not None else _thread_wake()


def _thread_wake():
    """A lock held from birth: the cheapest wake-up threads have (no shared lock to re-acquire,
    unlike a Condition)."""
    lock = _allocate_lock()
    lock.acquire()
    return lock


class _GreenWake:
    """The same promise under gevent, at a fraction of a lock's cost: the waiting greenlet parks
    on a Waiter, `release` schedules its resumption on the event loop."""

    __slots__ = ("_hub", "_waiter")
    _gevent: tuple | None = None  # (Waiter, get_hub), imported once: an import statement per
    # callback costs more than the Waiter itself

    def __init__(self):
        if _GreenWake._gevent is None:
            from gevent.hub import Waiter, get_hub

            _GreenWake._gevent = (Waiter, get_hub)
        waiter, get_hub = _GreenWake._gevent
        self._hub = get_hub()
        self._waiter = waiter(self._hub)

    def release(self) -> None:
        self._hub.loop.run_callback(self._waiter.switch, True)

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """True once released; False when `timeout` ran out first (a later release is then
        a no-op)."""
        if timeout is None:
            return self._waiter.get()
        timer = self._hub.loop.timer(max(timeout, 0.0))
        timer.start(self._waiter.switch, False)
        try:
            return self._waiter.get()
        finally:
            timer.close()


@dataclass
class _Refusal:
    reason: str
    status: int
    detail: str
    at_ms: int


class GroupWriter:
    """Commits callback rows in groups; `on_commit(rows)` runs after each commit (outside the
    commit turn), `on_idle(connect)` with the turn held, between groups."""

    name = "callback-writer"

    def __init__(self, engine: Engine, on_commit: Callable[[list[dict]], None] | None = None,
                 on_idle: Callable[[Callable[[], Connection]], None] | None = None,
                 idle_every: float = 0.25, linger: float = LINGER):
        self.engine = engine
        self.on_commit = on_commit
        self.on_idle = on_idle
        self.idle_every = idle_every
        self.linger = linger
        green = gevent_patched()
        self._gather = _until_idle if green else time.sleep
        self._wake = _GreenWake if green else _thread_wake
        self.groups = 0
        self.rows = 0
        self._lock = threading.Lock()  # guards the fields below, never held across a commit
        self._turn = threading.Condition(self._lock)  # the idle thread and flush() wait here
        self._open: list[Pending] = []  # filling up while the current group commits
        self._refusals: list[_Refusal] = []
        self._busy = False  # someone holds the commit turn
        self._wanted = 0  # the idle thread or flush() waits for the turn: requests let them have it
        self._last_commit = 0.0
        self._sql: _DriverSql | None = None
        # kept between groups, closed after a quiet spell
        self._conn: Connection | None = None
        self._tx: Connection | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._sqlite_path = _sqlite_file(engine)
        # SQLite under gevent: the group's INSERT runs in a native thread (SQLite releases the GIL
        # while it works), so the event loop goes on reading and parsing the next requests
        self._native_insert = bool(self._sqlite_path) and green
        self._checkpointed = 0.0  # _last_commit at the last checkpoint
        if self._sqlite_path:
            event.listen(engine, "connect", _no_autocheckpoint)

    # ---- the request side ---------------------------------------------------------------------
    def store(self, row, timeout: float, prepare: Callable[[object], dict] | None = None) -> Stored | None:
        """Commit `row` (in a group); what was stored, or None when the commit failed or did not
        finish within `timeout` (a leader always finishes its own group). With `prepare`, `row` is
        an item the leader turns into the row with `prepare(row)`; what that raises, `store`
        raises."""
        if self._pid != os.getpid():
            self._start()
        pending = Pending(row, self._wake(), prepare)
        with self._lock:
            self._open.append(pending)
            lead = not self._busy and not self._wanted
            if lead:
                self._busy = True
        if not lead and not pending.wake.acquire(True, timeout):
            with self._lock:  # timed out, unless a leader reached this row meanwhile
                if pending.result is None and not pending.lead:
                    if pending in self._open:  # never taken: withdraw it, the 503 is true
                        self._open.remove(pending)
                    return None
        if pending.lead or lead:
            self._lead(pending)
        if pending.refused is not None:
            raise pending.refused
        return pending.result

    def count_refusal(self, reason: str, status: int, detail: str) -> None:
        """Counted by the next commit turn; nobody waits for it."""
        if self._pid != os.getpid():
            self._start()
        with self._lock:
            self._refusals.append(_Refusal(reason, status, detail[:256], int(time.time() * 1000)))

    def flush(self, timeout: float = 5.0) -> bool:
        """Commit everything queued so far and run the idle work (tests, CLI)."""
        if not self._take_turn(timeout):
            return False
        try:
            while True:
                with self._lock:
                    if not (self._open or self._refusals):
                        break
                self._after(self._commit_open(None))
            self._idle()
        finally:
            self._release()
        return True

    # ---- the commit turn ----------------------------------------------------------------------
    def _lead(self, me: Pending) -> None:
        """With the turn held: commit the open group (with `me` in it), hand the turn on."""
        if self.linger and time.monotonic() - self._last_commit < BUSY:
            self._gather(self.linger)  # busy times: let the requests being parsed join
        stored: list[dict] = []
        try:
            stored = self._commit_open(me)
        finally:
            self._release()
        self._after(stored)

    def _commit_open(self, me: Pending | None) -> list[dict]:
        """With the turn held: commit the open group and the refusals, wake the group's rows."""
        with self._lock:
            group, self._open = self._open, []
            refusals, self._refusals = self._refusals, []
        try:
            return self._handle(_prepared(group), refusals)
        finally:
            for pending in group:
                if pending is not me:
                    pending.wake.release()

    def _after(self, stored: list[dict]) -> None:
        if stored and self.on_commit is not None:
            try:
                self.on_commit(stored)
            except Exception:  # noqa: BLE001 - the feed must never stop the ingest
                log.exception("after-commit hook failed")

    def _release(self) -> None:
        """Give the turn up: to the idle thread or flush() when they wait for it, else to the
        first row of the open group (which leads it), else to nobody."""
        with self._lock:
            if self._wanted:
                self._busy = False
                self._turn.notify()
            elif self._open:
                self._hand_to_open()
            else:
                self._busy = False

    def _hand_to_open(self) -> None:
        """(lock held, turn held) The open group's first row takes the turn and leads it."""
        first = self._open[0]
        first.lead = True
        first.wake.release()

    def _take_turn(self, timeout: float | None = None) -> bool:
        with self._lock:
            self._wanted += 1
            try:
                if not self._turn.wait_for(lambda: not self._busy, timeout):
                    return False
                self._busy = True
                return True
            finally:
                self._wanted -= 1
                if not self._busy and self._open:  # gave up while rows wait: they lead
                    self._busy = True
                    self._hand_to_open()

    def _start(self) -> None:
        """The idle thread, once per process (again after a fork: the connection is not ours)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._conn = self._tx = None
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.idle_every)
            self._take_turn()
            try:
                with self._lock:
                    refusals, self._refusals = self._refusals, []
                if refusals:
                    self._handle([], refusals)
                self._idle()
                if time.monotonic() - self._last_commit > self.idle_every:
                    self._close()
            except Exception:  # noqa: BLE001 - the thread must survive anything
                log.exception("%s: idle work failed", self.name)
            finally:
                self._release()
            self._checkpoint()

    def _checkpoint(self) -> None:
        """(outside the turn) Copy what was committed since the last time into the database."""
        if self._sqlite_path is None or self._checkpointed >= self._last_commit:
            return
        upto = self._last_commit
        try:
            run_native(functools.partial(_checkpoint_wal, self._sqlite_path))
        except Exception:  # noqa: BLE001 - the next pass tries again; SQLite's WAL stays valid
            log.exception("%s: WAL checkpoint failed", self.name)
        else:
            self._checkpointed = upto

    def _idle(self) -> None:
        if self.on_idle is not None:
            self.on_idle(self._tx_connection)  # connects only if the hook has work

    def _handle(self, pendings: list[Pending], refusals: list[_Refusal]) -> list[dict]:
        """Commit one group (the turn held); the rows stored."""
        try:
            stored = self._commit(pendings, refusals)
        except Exception:  # noqa: BLE001 - one bad row must not fail the group: retry one by one
            log.exception("callback group commit failed; retrying rows one by one")
            stored = self._commit_singly(pendings)
        self._last_commit = time.monotonic()
        if pendings:
            self.groups += 1
            self.rows += len(stored)
        return stored

    def _commit_singly(self, pendings: list[Pending]) -> list[dict]:
        stored = []
        for pending in pendings:
            try:
                stored += self._commit([pending], [])
            except Exception as exc:  # noqa: BLE001
                pending.error = type(exc).__name__
                log.error("callback row not stored (%s): command=%r", type(exc).__name__,
                          pending.row.get("command"))
        return stored

    def _connection(self) -> Connection:
        """The hot path's connection, in autocommit: a group is one INSERT, atomic by itself, so
        it costs one statement (one round trip, one GIL hand-off) instead of BEGIN/INSERT/COMMIT."""
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def _tx_connection(self) -> Connection:
        """A transactional connection for the careful path, refusal counters and the idle work."""
        if self._tx is None or self._tx.closed or self._tx.invalidated:
            self._tx = self.engine.connect()
        return self._tx

    def _close(self) -> None:
        for conn in (self._conn, self._tx):
            if conn is not None:
                conn.close()
        self._conn = self._tx = None

    def _commit(self, pendings: list[Pending], refusals: list[_Refusal]) -> list[dict]:
        """Store `pendings` (setting each one's result) and count `refusals`; the rows stored.

        Fast path: the group as one INSERT. When a key repeats within the group, or the unique
        index on first deliveries refuses a row (a re-delivery, or the same first delivery just
        stored by another worker), the careful path looks the first deliveries up and stores the
        group with its re-deliveries flagged, in one transaction."""
        try:
            if pendings and not self._insert_fast(pendings):
                self._store_carefully(pendings)
        except Exception:
            self._close()  # a broken connection is replaced at the next group
            raise
        for pending in pendings:
            row = pending.row
            pending.result = Stored(row["ack"], row["decision"], row["duplicate_of"], row.get("command"))
        if refusals:  # counters only: their failure must not fail the rows stored above
            try:
                self._count_refusals(refusals)
            except Exception:  # noqa: BLE001
                self._close()
                log.exception("%d refused callbacks not counted", len(refusals))
        return [p.row for p in pendings]

    def _insert_fast(self, pendings: list[Pending]) -> bool:
        """The group as one autocommitted INSERT; False when a key repeats within the group or
        the unique index refused it (nothing was stored then)."""
        if len({p.row["dedup_key"] for p in pendings}) < len(pendings):
            return False
        conn = self._connection()
        dbapi_conn, sql = conn.connection.dbapi_connection, self._statements(conn)

        def insert() -> None:
            with closing(sql.cursor(dbapi_conn)) as cursor:
                _insert(cursor, sql, pendings)
        try:
            if self._native_insert:
                run_native(insert)
            else:
                insert()
        except self._integrity_error():
            return False
        return True

    def _store_carefully(self, pendings: list[Pending]) -> None:
        conn = self._tx_connection()
        sql = self._statements(conn)
        with conn.begin(), closing(sql.cursor(conn.connection.dbapi_connection)) as cursor:
            _store_group(cursor, sql, pendings)

    def _count_refusals(self, refusals: list[_Refusal]) -> None:
        conn = self._tx_connection()
        with conn.begin():
            for refusal in refusals:
                _count(conn, refusal)

    def _integrity_error(self) -> type[Exception]:
        return self.engine.dialect.loaded_dbapi.IntegrityError

    def _statements(self, conn: Connection) -> _DriverSql:
        if self._sql is None:
            self._sql = _DriverSql(conn.dialect.paramstyle, numbered=conn.dialect.name == "postgresql")
        return self._sql


class _DriverSql:
    """The group's statements as driver SQL: the hot path skips SQLAlchemy's per-statement work
    (compiling the expanding IN, building result objects), which costs more than SQLite's own
    execution. They run on SQLAlchemy Connections, so commit and rollback stay SQLAlchemy's.

    `numbered` (PostgreSQL): PostgreSQL's own $1, $2... placeholders, run by a psycopg RawCursor.
    psycopg converts %s placeholders to those with a regular expression, and caches the result
    only for statements of at most 50 parameters: a group's INSERT (21 per row) was parsed again
    for every group, about as long as PostgreSQL took to store it."""

    def __init__(self, paramstyle: str, numbered: bool = False):
        if paramstyle not in ("qmark", "format", "pyformat"):
            raise ValueError(f"unsupported DBAPI paramstyle {paramstyle}")
        self.numbered = numbered
        self.mark = "?" if paramstyle == "qmark" else "%s"
        self.columns = tuple(c.name for c in EVENTS.columns if c.name != "id")
        self.values = operator.itemgetter(*self.columns)  # a row's parameters, in C
        self._row = "({})".format(", ".join([self.mark] * len(self.columns)))
        self._inserts: dict[int, str] = {}
        self._selects: dict[int, str] = {}

    def cursor(self, dbapi_conn):
        if self.numbered:
            import psycopg

            return psycopg.RawCursor(dbapi_conn)
        return dbapi_conn.cursor()

    def _marks(self, count: int, start: int = 0) -> str:
        if self.numbered:
            return ", ".join(f"${n}" for n in range(start + 1, start + count + 1))
        return ", ".join([self.mark] * count)

    def insert_rows(self, count: int) -> str:
        """INSERT of `count` rows in one statement."""
        sql = self._inserts.get(count)
        if sql is None:
            width = len(self.columns)
            rows = ", ".join(f"({self._marks(width, at * width)})" for at in range(count)) \
                if self.numbered else ", ".join([self._row] * count)
            sql = self._inserts[count] = "INSERT INTO {} ({}) VALUES {}".format(
                EVENTS.name, ", ".join(self.columns), rows)
        return sql

    def first_deliveries(self, count: int) -> str:
        """id, dedup_key, ack, decision, rule_id, rule_name of the first deliveries of `count` keys."""
        sql = self._selects.get(count)
        if sql is None:
            sql = self._selects[count] = (
                "SELECT id, dedup_key, ack, decision, rule_id, rule_name FROM {} WHERE dedup_key "
                "IN ({}) AND duplicate_of IS NULL ORDER BY id DESC").format(
                    EVENTS.name, self._marks(count))
        return sql


def _prepared(group: list[Pending]) -> list[Pending]:
    """The group's rows ready to store: items turned into rows by their `prepare`, those it
    refused left out (their request raises what it raised)."""
    ready = []
    for pending in group:
        if pending.prepare is not None:
            try:
                pending.row = pending.prepare(pending.row)
            except Exception as exc:  # noqa: BLE001 - handed to the item's own request
                pending.refused = exc
                continue
            pending.prepare = None
        ready.append(pending)
    return ready


def _store_group(cursor, sql: _DriverSql, pendings: list[Pending]) -> None:
    """Flag re-deliveries (stored before, or earlier in this very group) and insert the group."""
    stored = _first_deliveries(cursor, sql, {p.row["dedup_key"] for p in pendings})
    in_group: set[str] = set()
    firsts: list[Pending] = []
    repeats: list[Pending] = []  # repeat a row of this very group: inserted after it
    for pending in pendings:
        key = pending.row["dedup_key"]
        if key in stored:
            _answer_as(pending.row, stored[key])
            firsts.append(pending)
        elif key in in_group:
            repeats.append(pending)
        else:
            in_group.add(key)
            firsts.append(pending)
    _insert(cursor, sql, firsts)
    if repeats:
        firsts_now = _first_deliveries(cursor, sql, {p.row["dedup_key"] for p in repeats})
        for pending in repeats:
            _answer_as(pending.row, firsts_now[pending.row["dedup_key"]])
        _insert(cursor, sql, repeats)


_FIRST = ("id", "dedup_key", "ack", "decision", "rule_id", "rule_name")


def _first_deliveries(cursor, sql: _DriverSql, keys: set[str]) -> dict[str, dict]:
    """dedup_key -> the stored first delivery, for the keys already in the table (the lowest id
    wins: rows come newest first)."""
    if not keys:
        return {}
    cursor.execute(sql.first_deliveries(len(keys)), tuple(keys))
    return {found[1]: dict(zip(_FIRST, found)) for found in cursor.fetchall()}


def _answer_as(row: dict, original: dict) -> None:
    """A re-delivery is answered exactly like its first delivery, and points at it."""
    row.update(duplicate_of=original["id"], ack=original["ack"], decision=original["decision"],
               rule_id=original["rule_id"], rule_name=original["rule_name"])


def _insert(cursor, sql: _DriverSql, pendings: list[Pending]) -> None:
    """One multi-row INSERT per chunk, no RETURNING (nobody on the hot path needs the new ids):
    SQLite runs it in one step, so the GIL is given up once, not once per row. Keys that start
    with "_" ride along for the after-commit hooks and are not columns."""
    values = sql.values
    for at in range(0, len(pendings), INSERT_CHUNK):
        chunk = pendings[at:at + INSERT_CHUNK]
        params = []
        for pending in chunk:
            params += values(pending.row)
        cursor.execute(sql.insert_rows(len(chunk)), params)


def _sqlite_file(engine: Engine) -> str | None:
    """The database file of an SQLite engine (not in memory), else None."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    return path if path and path != ":memory:" else None


def _no_autocheckpoint(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _checkpoint_wal(path: str) -> None:
    """One PASSIVE checkpoint on a connection of its own (this runs in a native thread)."""
    conn = sqlite3.connect(path, timeout=5, check_same_thread=False)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        conn.close()


def _count(conn: Connection, refusal: _Refusal) -> None:
    values = dict(status=refusal.status, last_ms=refusal.at_ms, last_detail=refusal.detail)
    done = conn.execute(update(REFUSALS).where(REFUSALS.c.reason == refusal.reason)
                        .values(count=REFUSALS.c.count + 1, **values))
    if done.rowcount == 0:
        conn.execute(insert(REFUSALS).values(reason=refusal.reason, count=1, **values))
    minute = refusal.at_ms // 60000
    done = conn.execute(update(REFUSAL_MINUTES).where(REFUSAL_MINUTES.c.minute == minute,
                                                      REFUSAL_MINUTES.c.reason == refusal.reason)
                        .values(count=REFUSAL_MINUTES.c.count + 1))
    if done.rowcount == 0:
        conn.execute(insert(REFUSAL_MINUTES).values(minute=minute, reason=refusal.reason, count=1))
