"""Bulk work as jobs on Huey: a Job row per run, progress, cancel, resume after a restart.

This package module is the queue core; `views` is the one Jobs blueprint (list, job page, the
progress partial every feature shows, cancel, results download) and `cli` the consumer command.

Queue storage: SqliteHuey under instance/ (embedded default), RedisHuey when REDIS_URL is set,
immediate mode (the task runs inside `start`) in tests or with JOBS_IMMEDIATE=1. The consumer is
`flask --app wsgi jobs worker`.

A kind is a function registered with `@job_kind(name, batch=N)`: it gets a `JobRun` and a list of at
most N items, makes its IM calls through `run.tim` (audited under the job id and the operator who
started it) and returns one `Item` per input. The runner stores the results, advances `Job.cursor`
after every batch and checks for cancellation, so a job whose consumer died resumes where it
stopped: on consumer start (and every minute) `reclaim` re-queues running jobs whose worker is gone.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import socket
from collections.abc import Callable

from flask_login import current_user
from sqlalchemy import or_, select, update

from console import db, errors
from console.audit import AuditedClient, job_context, scrub_text
from console.i18n import N_
from console.models import Job, JobResult, utcnow
from console.monitoring import metrics
from console.ui import labels

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(seconds=60)


def results(sess, job_id: int, *, failed_only: bool = False, limit: int | None = None) -> list[JobResult]:
    """A job's per-item results in item order (only the failures when `failed_only`)."""
    stmt = select(JobResult).where(JobResult.job_id == job_id).order_by(JobResult.seq)
    if failed_only:
        stmt = stmt.where(JobResult.ok.is_(False))
    return list(sess.scalars(stmt.limit(limit)))


def recent(sess, kind: str, limit: int = 5) -> list[Job]:
    """The latest jobs of one kind, newest first."""
    return list(sess.scalars(select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(limit)))


def worker_id() -> str:
    """host:pid of this process (computed each time: gunicorn and huey may fork)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclasses.dataclass
class Item:
    """The outcome of one job item."""

    item: str
    ok: bool
    code: int | None = None
    detail: str | None = None


@dataclasses.dataclass(frozen=True)
class JobKind:
    name: str
    fn: Callable
    batch: int
    #: what an item is, for the results download's first column
    item_name: str = "item"


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, batch: int = 100, item_name: str = "item", label=None):
    """Register `fn(run, items) -> list[Item]` as the job kind `name`, fed `batch` items at a time;
    `label` (a lazy gettext string) is how pages name the kind (vocabulary ``job_kind``).

    The modules that define kinds are imported by console.app, the one place that lists them."""
    def decorator(fn):
        if name in KINDS and KINDS[name].fn is not fn:
            raise ValueError(f"job kind {name!r} is already registered")
        KINDS[name] = JobKind(name, fn, batch, item_name)
        if label is not None:
            labels.define("job_kind", {name: label})
        return fn
    return decorator


@dataclasses.dataclass
class JobRun:
    """What a kind's function sees: the job's parameters and the audited IM client."""

    app: object
    job_id: int
    params: dict
    tim: AuditedClient


# ---- starting and controlling ----------------------------------------------------------------

def start(kind: str, params: dict, operator, items: list[str] | None = None) -> Job:
    """Create a Job for `operator` over `items` (default: params["items"]) and enqueue it."""
    from flask import current_app

    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    items = [str(i) for i in (items if items is not None else params.get("items", []))]
    with db.new_session() as sess:
        job = Job(kind=kind, params={**params, "items": items}, total=len(items), status="queued",
                  operator_id=getattr(operator, "id", None), operator_name=getattr(operator, "name", None),
                  operator_role=getattr(operator, "role", None))
        sess.add(job)
    _answer_with_job(job.id)
    metrics.job(kind, "queued")
    enqueue(current_app._get_current_object(), job.id)
    with db.new_session() as sess:
        return sess.get(Job, job.id)


def _answer_with_job(job_id: int) -> None:
    """From here on, the request that started the job answers with the job should anything fail
    (console.errors.answer_on_error): never a 500 that invites the operator to start it again."""
    from flask import has_request_context

    if has_request_context():
        errors.answer_on_error(lambda: _started_answer(job_id))


def _started_answer(job_id: int):
    """The job's progress card (200), or at the least a link to the job's page."""
    from flask import url_for
    from flask_babel import gettext as _
    from markupsafe import Markup, escape

    from console.jobs import progress

    try:
        return progress.card(db.session.get(Job, job_id) or Job(id=job_id))
    except Exception:  # noqa: BLE001 - the answer of last resort must not fail in turn
        log.exception("job %s: its card could not be shown either", job_id)
        db.session.rollback()
        return Markup('<p class="notice">{} <a href="{}">{}</a></p>').format(
            _("Job #%(id)d started.", id=job_id), url_for("jobs.detail", job_id=job_id), escape(_("Job page")))


def enqueue(app, job_id: int) -> None:
    app.extensions["huey_run_job"](job_id)


def cancel(job_id: int) -> bool:
    """Cancel a queued job at once, or ask a running one to stop after its current batch."""
    with db.new_session() as sess:
        res = sess.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                           .values(status="cancelled", cancel_requested=True, finished_at=utcnow()))
        if res.rowcount:
            metrics.job(sess.scalar(select(Job.kind).where(Job.id == job_id)), "cancelled")
            return True
        res = sess.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                           .values(cancel_requested=True))
        return bool(res.rowcount)


# ---- running ---------------------------------------------------------------------------------

def _claim(sess, job_id: int) -> bool:
    now = utcnow()
    res = sess.execute(
        update(Job).where(Job.id == job_id, Job.status == "queued", Job.cancel_requested.is_(False))
        .values(status="running", worker=worker_id(), heartbeat_at=now, runs=Job.runs + 1))
    if res.rowcount:
        sess.execute(update(Job).where(Job.id == job_id, Job.started_at.is_(None)).values(started_at=now))
    return bool(res.rowcount)


def _finish(sess, job_id: int, kind: str, status: str, error: str | None = None) -> None:
    done = sess.execute(update(Job).where(Job.id == job_id, Job.status == "running")
                        .values(status=status, error=error, finished_at=utcnow(), heartbeat_at=utcnow()))
    if done.rowcount:
        metrics.job(kind, status)


def run_job(app, job_id: int) -> None:
    """Run (or resume) a job until it is done, cancelled or fails. Safe to call twice: the claim
    lets only one runner through."""
    with db.new_session(app) as sess:
        if not _claim(sess, job_id):
            # Cancelled while queued (or while its dead worker held it): settle it now.
            sess.execute(update(Job).where(Job.id == job_id, Job.status == "queued", Job.cancel_requested)
                         .values(status="cancelled", finished_at=utcnow()))
            log.info("job %s: not claimable (running elsewhere, finished or cancelled)", job_id)
            return
        job = sess.get(Job, job_id)
        kind = KINDS.get(job.kind)
        items = list(job.params.get("items", []))
        run = JobRun(app=app, job_id=job.id, params=job.params,
                     tim=AuditedClient(app.extensions.get("tim_client"), job_context(job)))
    if kind is None:
        with db.new_session(app) as sess:
            _finish(sess, job_id, job.kind, "failed", f"unknown job kind {job.kind!r}")
        return
    try:
        _run_batches(app, job_id, kind, run, items)
    except Exception as exc:  # a bug in a kind: fail the job, keep the consumer alive
        log.exception("job %s (%s) failed", job_id, kind.name)
        with db.new_session(app) as sess:
            _finish(sess, job_id, kind.name, "failed",
                    scrub_text(f"{type(exc).__name__}: {exc}", [app.config.get("TIM_SECRET") or ""])[:2000])


def _run_batches(app, job_id: int, kind: JobKind, run: JobRun, items: list[str]) -> None:
    from console.tim import TimError

    while True:
        with db.new_session(app) as sess:
            job = sess.get(Job, job_id)
            if job.status != "running" or job.worker != worker_id():
                return  # reclaimed by another worker, or finished
            if job.cancel_requested:
                _finish(sess, job_id, kind.name, "cancelled")
                return
            cursor = job.cursor
        if cursor >= len(items):
            with db.new_session(app) as sess:
                _finish(sess, job_id, kind.name, "done")
            return
        chunk = items[cursor:cursor + kind.batch]
        try:
            results = kind.fn(run, chunk)
        except TimError as exc:  # the whole batch failed; record it per item and go on
            results = [Item(i, False, exc.code, exc.info) for i in chunk]
        _checkpoint(app, job_id, cursor, chunk, results)


def _checkpoint(app, job_id: int, cursor: int, chunk: list[str], results: list[Item]) -> None:
    by_item = {r.item: r for r in results}
    rows = [by_item.get(i) or Item(i, False, None, N_("no result")) for i in chunk]
    ok = sum(1 for r in rows if r.ok)
    with db.new_session(app) as sess:
        sess.add_all(JobResult(job_id=job_id, seq=cursor + n, item=r.item[:256], ok=r.ok, code=r.code,
                               detail=(r.detail or None) and str(r.detail)[:1000]) for n, r in enumerate(rows))
        sess.execute(update(Job).where(Job.id == job_id, Job.cursor == cursor).values(
            cursor=cursor + len(chunk), done=Job.done + len(chunk), ok_count=Job.ok_count + ok,
            failed_count=Job.failed_count + (len(rows) - ok), heartbeat_at=utcnow()))


# ---- recovery --------------------------------------------------------------------------------

def _worker_gone(worker: str | None) -> bool:
    """True when `worker` ran on this host and its process no longer exists."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or worker == worker_id():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reclaim(app, stale_after: dt.timedelta = STALE_AFTER) -> list[int]:
    """Re-queue jobs whose worker died (or went silent) and queued jobs that lost their task."""
    cutoff = utcnow() - stale_after
    requeued = []
    with db.new_session(app) as sess:
        candidates = sess.execute(select(Job.id, Job.status, Job.worker, Job.heartbeat_at, Job.created_at)
                                  .where(or_(Job.status == "running", Job.status == "queued"))).all()
        for job_id, status, worker, heartbeat, created in candidates:
            if status == "queued":
                if created < cutoff:
                    requeued.append(job_id)  # its task may be lost; a duplicate cannot claim twice
                continue
            if _worker_gone(worker) or (heartbeat or created) < cutoff:
                res = sess.execute(update(Job).where(Job.id == job_id, Job.status == "running",
                                                     Job.worker == worker)
                                   .values(status="queued", worker=None))
                if res.rowcount:
                    requeued.append(job_id)
    for job_id in requeued:
        log.info("job %s: re-queued to resume", job_id)
        enqueue(app, job_id)
    return requeued


# ---- wiring ----------------------------------------------------------------------------------

def make_huey(app):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    cfg = app.config
    immediate = cfg.get("JOBS_IMMEDIATE")
    if immediate or (immediate is None and cfg.get("TESTING")):
        return MemoryHuey("tim-console", immediate=True)
    if cfg.get("REDIS_URL"):
        return RedisHuey("tim-console", url=cfg["REDIS_URL"])
    return SqliteHuey("tim-console", filename=os.path.join(app.instance_path, "jobs.db"))


def init_app(app) -> None:
    from huey import crontab

    huey = app.extensions.get("huey") or make_huey(app)
    app.extensions["huey"] = huey

    @huey.task(name="console.run_job")
    def run_job_task(job_id: int):
        run_job(app, job_id)

    @huey.periodic_task(crontab(minute="*"), name="console.reclaim_jobs")
    def reclaim_task():
        reclaim(app)

    @huey.on_startup(name="console.reclaim_on_start")
    def _on_start():
        reclaim(app)

    app.extensions["huey_run_job"] = run_job_task
    # the job card is included from imported macros (no request context there): it asks the
    # operator's role through this global
    app.jinja_env.globals["current_user"] = current_user
