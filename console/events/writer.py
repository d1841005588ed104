"""The ingest writer: one thread per process that commits callback rows in small groups.

A request hands its row to `submit()` and waits on the returned `Pending`; the writer takes every
row queued meanwhile, inserts them with one Core statement in one transaction, commits, and only
then wakes the waiters. An ack therefore always means "stored", at one commit per group rather
than one per request. Re-deliveries are found by `dedup_key` in the same transaction: the row is
stored flagged (`duplicate_of`) and answered with the first delivery's ack.

Refusal counters ride along in the next group's transaction; nobody waits for them.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine

from console.models_events import CallbackEvent, CallbackRefusal

log = logging.getLogger(__name__)

EVENTS = CallbackEvent.__table__
REFUSALS = CallbackRefusal.__table__
MAX_GROUP = 256
_INSERT = EVENTS.insert()


@dataclass
class Stored:
    """What the writer did with one row."""

    ack: str
    decision: str | None
    duplicate_of: int | None


@dataclass(eq=False)
class Pending:
    """A row waiting for its group's commit."""

    row: dict
    done: threading.Event = field(default_factory=threading.Event)
    result: Stored | None = None
    error: str | None = None

    def wait(self, timeout: float) -> Stored | None:
        """The stored row, or None when the commit failed or did not finish in `timeout`."""
        self.done.wait(timeout)
        return self.result


@dataclass
class _Refusal:
    reason: str
    status: int
    detail: str
    at_ms: int


class BatchThread:
    """A queue drained in batches by one daemon thread, started lazily (again after a fork).

    `idle()` runs on the same thread at least every `idle_every` seconds and before a `flush()`
    returns: deferred work (the directory feed) goes there, so it never competes for the lock.
    """

    name = "batch"

    def __init__(self, max_batch: int = MAX_GROUP, idle_every: float = 0.25):
        self.max_batch = max_batch
        self.idle_every = idle_every
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()

    def put(self, item) -> None:
        self._ensure_thread()
        self._queue.put(item)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is handled, idle work included."""
        marker = Pending({})
        self.put(marker)
        return marker.done.wait(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        idled = time.monotonic()
        while True:
            try:
                batch = [self._queue.get(timeout=self.idle_every)]
            except queue.Empty:
                batch = []
                self.rest()
            while batch and len(batch) < self.max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            markers = [p for p in batch if isinstance(p, Pending) and not p.row]
            work = [item for item in batch if not any(item is m for m in markers)]
            try:
                if work:
                    self.handle(work)
                if markers or not batch or time.monotonic() - idled >= self.idle_every:
                    idled = time.monotonic()
                    self.idle()
            except Exception:  # noqa: BLE001 - the thread must survive anything
                log.exception("%s: batch failed", self.name)
            for marker in markers:
                marker.done.set()

    def handle(self, batch: list) -> None:
        raise NotImplementedError

    def idle(self) -> None:
        pass

    def rest(self) -> None:
        """Nothing arrived for `idle_every` seconds: release what is held for busy times."""


class GroupWriter(BatchThread):
    """Commits callback rows in groups; `on_commit(rows)` runs after each commit."""

    name = "callback-writer"

    def __init__(self, engine: Engine, on_commit: Callable[[list[dict]], None] | None = None,
                 on_idle: Callable[[Callable[[], Connection]], None] | None = None,
                 max_group: int = MAX_GROUP):
        super().__init__(max_group)
        self.engine = engine
        self.on_commit = on_commit
        self.on_idle = on_idle
        self.groups = 0
        self.rows = 0
        self._conn: Connection | None = None  # the writer thread's own, kept between groups

    def submit(self, row: dict) -> Pending:
        pending = Pending(row)
        self.put(pending)
        return pending

    def count_refusal(self, reason: str, status: int, detail: str) -> None:
        self.put(_Refusal(reason, status, detail[:256], int(time.time() * 1000)))

    def idle(self) -> None:
        if self.on_idle is not None:
            self.on_idle(self._connection)  # connects only if the hook has work

    def rest(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def handle(self, batch: list) -> None:
        pendings = [p for p in batch if isinstance(p, Pending)]
        refusals = [r for r in batch if isinstance(r, _Refusal)]
        try:
            stored = self._commit(pendings, refusals)
        except Exception:  # noqa: BLE001 - one bad row must not fail the group: retry one by one
            log.exception("callback group commit failed; retrying rows one by one")
            stored = self._commit_singly(pendings)
        for pending in pendings:
            pending.done.set()
        self.groups += 1
        self.rows += len(stored)
        if stored and self.on_commit is not None:
            try:
                self.on_commit(stored)
            except Exception:  # noqa: BLE001 - the feed must never stop the writer
                log.exception("after-commit hook failed")

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
            stored = _first_deliveries(conn, {p.row["dedup_key"] for p in pendings})
            in_group: dict[str, dict] = {}
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
                    in_group[key] = pending.row
                    firsts.append(pending)
            _insert(conn, firsts)
            if repeats:
                firsts_now = _first_deliveries(conn, {p.row["dedup_key"] for p in repeats})
                for pending in repeats:
                    _answer_as(pending.row, firsts_now[pending.row["dedup_key"]])
                _insert(conn, repeats)
            for refusal in refusals:
                _count(conn, refusal)
        for pending in pendings:
            row = pending.row
            pending.result = Stored(row["ack"], row["decision"], row["duplicate_of"])
        return [p.row for p in pendings]


_FIRST_DELIVERIES = (
    select(EVENTS.c.id, EVENTS.c.dedup_key, EVENTS.c.ack, EVENTS.c.decision, EVENTS.c.rule_id,
           EVENTS.c.rule_name)
    .where(EVENTS.c.dedup_key.in_(bindparam("keys", expanding=True)), EVENTS.c.duplicate_of.is_(None))
    .order_by(EVENTS.c.id.desc()))


def _first_deliveries(conn: Connection, keys: set[str]) -> dict[str, dict]:
    """dedup_key -> the stored first delivery, for the keys already in the table."""
    if not keys:
        return {}
    return {found.dedup_key: found._asdict()
            for found in conn.execute(_FIRST_DELIVERIES, {"keys": list(keys)})}


def _answer_as(row: dict, original: dict) -> None:
    """A re-delivery is answered exactly like its first delivery, and points at it."""
    row.update(duplicate_of=original["id"], ack=original["ack"], decision=original["decision"],
               rule_id=original["rule_id"], rule_name=original["rule_name"])


def _insert(conn: Connection, pendings: list[Pending]) -> None:
    """One executemany: no RETURNING, nobody on the hot path needs the new ids. Keys that start
    with "_" ride along for the after-commit hooks and are not columns."""
    if pendings:
        conn.execute(_INSERT, [{k: v for k, v in p.row.items() if k[0] != "_"} for p in pendings])


def _count(conn: Connection, refusal: _Refusal) -> None:
    values = dict(status=refusal.status, last_ms=refusal.at_ms, last_detail=refusal.detail)
    done = conn.execute(update(REFUSALS).where(REFUSALS.c.reason == refusal.reason)
                        .values(count=REFUSALS.c.count + 1, **values))
    if done.rowcount == 0:
        conn.execute(insert(REFUSALS).values(reason=refusal.reason, count=1, **values))
