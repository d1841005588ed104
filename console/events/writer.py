"""The ingest writer: callback rows committed in small groups, by the requests themselves.

Leader/follower group commit: a request puts its row in the queue and, when nobody is committing,
becomes the leader: it takes every row queued so far, inserts them with one Core statement in one
transaction, commits, marks them stored and wakes the followers, whose rows rode along. A request
that arrives while a group commits waits for the next group, led by one of its waiters. An ack
therefore always means "stored", at one commit per group and no hand-off to another thread.
Under load the leader lingers a moment (LINGER) so that the group fills up.

Re-deliveries are found by `dedup_key` in the same transaction: the row is stored flagged
(`duplicate_of`) and answered with the first delivery's ack.

One small background thread takes the commit turn now and then (at least every `idle_every`
seconds) for work nobody waits for: refusal counters, the directory feed (`on_idle`), closing the
connection after a quiet spell. Everything that writes holds the turn, so on SQLite nothing here
fights over the write lock.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection, Engine

from console.models_events import CallbackEvent, CallbackRefusal

log = logging.getLogger(__name__)

#: Under load (the last commit ended less than BUSY seconds ago) a leader waits LINGER seconds
#: before taking its group, so that requests still being parsed join it: fewer, larger commits
#: cost far less CPU per row (each commit is a round of WAL writes and locks) than they add in
#: latency. Light traffic commits at once.
BUSY = 0.005
LINGER = 0.002

EVENTS = CallbackEvent.__table__
REFUSALS = CallbackRefusal.__table__


@dataclass
class Stored:
    """What the writer did with one row."""

    ack: str
    decision: str | None
    duplicate_of: int | None


class Pending:
    """A row waiting for its group's commit."""

    __slots__ = ("error", "result", "row")

    def __init__(self, row: dict):
        self.row = row
        self.result: Stored | None = None
        self.error: str | None = None


class _Group:
    """The rows that will be committed together; its members wait on its own condition, so a
    commit wakes only the requests it answered (and one of the next group, to lead it)."""

    __slots__ = ("cond", "done", "pendings")

    def __init__(self, lock: threading.Lock):
        self.pendings: list[Pending] = []
        self.done = False
        self.cond = threading.Condition(lock)


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
        self.groups = 0
        self.rows = 0
        self._lock = threading.Lock()
        self._turn = threading.Condition(self._lock)  # the idle thread and flush() wait here
        self._open = _Group(self._lock)  # filling up while the current group commits
        self._refusals: list[_Refusal] = []
        self._busy = False  # someone holds the commit turn
        self._last_commit = 0.0
        self._sql: _DriverSql | None = None
        self._conn: Connection | None = None  # kept between groups, closed after a quiet spell
        self._thread: threading.Thread | None = None
        self._pid = 0

    # ---- the request side ---------------------------------------------------------------------
    def store(self, row: dict, timeout: float) -> Stored | None:
        """Commit `row` (in a group); what was stored, or None when the commit failed or did not
        finish within `timeout` (a leader always finishes its own group)."""
        if self._pid != os.getpid():
            self._start()
        pending = Pending(row)
        deadline = 0.0
        with self._lock:
            group = self._open
            group.pendings.append(pending)
            while not group.done:
                if not self._busy:  # then `group` is still the open one: lead it
                    self._lead()
                    break
                if not deadline:
                    deadline = time.monotonic() + timeout
                    left = timeout
                else:
                    left = deadline - time.monotonic()
                if left <= 0:
                    break
                group.cond.wait(left)
        return pending.result

    def count_refusal(self, reason: str, status: int, detail: str) -> None:
        """Counted by the next commit turn; nobody waits for it."""
        if self._pid != os.getpid():
            self._start()
        with self._lock:
            self._refusals.append(_Refusal(reason, status, detail[:256], int(time.time() * 1000)))

    def flush(self, timeout: float = 5.0) -> bool:
        """Commit everything queued so far and run the idle work (tests, CLI)."""
        with self._lock:
            while True:
                if not self._turn.wait_for(lambda: not self._busy, timeout):
                    return False
                if not (self._open.pendings or self._refusals):
                    break
                self._lead()
            self._busy = True
        try:
            self._idle()
        finally:
            self._release()
        return True

    # ---- the commit turn ----------------------------------------------------------------------
    def _lead(self) -> None:
        """Called with the lock held and the turn free: commit the open group (lock released
        meanwhile), wake its members and hand the turn on. Returns with the lock held again."""
        self._busy = True
        lock = self._lock
        if self.linger and time.monotonic() - self._last_commit < BUSY:
            lock.release()  # busy times: let the requests being parsed join this group
            time.sleep(self.linger)
            lock.acquire()
        group, self._open = self._open, _Group(self._lock)
        refusals, self._refusals = self._refusals, []
        lock.release()
        stored: list[dict] = []
        try:
            stored = self._handle(group.pendings, refusals)
        finally:
            lock.acquire()
            group.done = True
            group.cond.notify_all()
            self._hand_on()
        if stored and self.on_commit is not None:
            lock.release()
            try:
                self.on_commit(stored)
            except Exception:  # noqa: BLE001 - the feed must never stop the ingest
                log.exception("after-commit hook failed")
            finally:
                lock.acquire()

    def _hand_on(self) -> None:
        """Free the turn (lock held): one waiter of the open group leads it, else whoever waits."""
        self._busy = False
        if self._open.pendings:
            self._open.cond.notify()
        self._turn.notify()

    def _take_turn(self) -> None:
        with self._lock:
            self._turn.wait_for(lambda: not self._busy)
            self._busy = True

    def _release(self) -> None:
        with self._lock:
            self._hand_on()

    def _start(self) -> None:
        """The idle thread, once per process (again after a fork: the connection is not ours)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._conn = None
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
                if self._conn is not None and time.monotonic() - self._last_commit > self.idle_every:
                    self._conn.close()
                    self._conn = None
            except Exception:  # noqa: BLE001 - the thread must survive anything
                log.exception("%s: idle work failed", self.name)
            finally:
                self._release()

    def _idle(self) -> None:
        if self.on_idle is not None:
            self.on_idle(self._connection)  # connects only if the hook has work

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
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.engine.connect()
        return self._conn

    def _commit(self, pendings: list[Pending], refusals: list[_Refusal]) -> list[dict]:
        """Insert `pendings` and count `refusals` in one transaction; set each pending's result."""
        conn = self._connection()
        try:
            return self._commit_on(conn, pendings, refusals)
        except Exception:
            conn.close()  # a broken connection is replaced at the next group
            self._conn = None
            raise

    def _commit_on(self, conn: Connection, pendings: list[Pending],
                   refusals: list[_Refusal]) -> list[dict]:
        with conn.begin():
            if pendings:
                sql = self._sql or self._driver_sql(conn)
                cursor = conn.connection.dbapi_connection.cursor()
                try:
                    _store_group(cursor, sql, pendings)
                finally:
                    cursor.close()
            for refusal in refusals:
                _count(conn, refusal)
        for pending in pendings:
            row = pending.row
            pending.result = Stored(row["ack"], row["decision"], row["duplicate_of"])
        return [p.row for p in pendings]

    def _driver_sql(self, conn: Connection) -> _DriverSql:
        self._sql = _DriverSql(conn.dialect.paramstyle)
        return self._sql


class _DriverSql:
    """The group's two statements as driver SQL: the hot path skips SQLAlchemy's per-statement
    work (compiling the expanding IN, building result objects), which costs more than SQLite's
    own execution. Inside the Connection's transaction, so commit and rollback stay SQLAlchemy's."""

    def __init__(self, paramstyle: str):
        if paramstyle not in ("qmark", "format", "pyformat"):
            raise ValueError(f"unsupported DBAPI paramstyle {paramstyle}")
        self.mark = "?" if paramstyle == "qmark" else "%s"
        self.columns = tuple(c.name for c in EVENTS.columns if c.name != "id")
        self.insert = "INSERT INTO {} ({}) VALUES ({})".format(
            EVENTS.name, ", ".join(self.columns), ", ".join([self.mark] * len(self.columns)))
        self._selects: dict[int, str] = {}

    def first_deliveries(self, count: int) -> str:
        """id, dedup_key, ack, decision, rule_id, rule_name of the first deliveries of `count` keys."""
        sql = self._selects.get(count)
        if sql is None:
            sql = self._selects[count] = (
                "SELECT id, dedup_key, ack, decision, rule_id, rule_name FROM {} WHERE dedup_key "
                "IN ({}) AND duplicate_of IS NULL ORDER BY id DESC").format(
                    EVENTS.name, ", ".join([self.mark] * count))
        return sql


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
    """One executemany, no RETURNING: nobody on the hot path needs the new ids. Keys that start
    with "_" ride along for the after-commit hooks and are not columns."""
    if pendings:
        columns = sql.columns
        cursor.executemany(sql.insert, [tuple(p.row.get(c) for c in columns) for p in pendings])


def _count(conn: Connection, refusal: _Refusal) -> None:
    values = dict(status=refusal.status, last_ms=refusal.at_ms, last_detail=refusal.detail)
    done = conn.execute(update(REFUSALS).where(REFUSALS.c.reason == refusal.reason)
                        .values(count=REFUSALS.c.count + 1, **values))
    if done.rowcount == 0:
        conn.execute(insert(REFUSALS).values(reason=refusal.reason, count=1, **values))
