"""Jobs: immediate mode in tests, a real Huey consumer on SQLite, cancel, resume after a dead worker."""
from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy import func, select

from console import db, jobs
from console.models import Account, AuditEntry, Job, JobResult, Operator


def _import(tim, ids):
    for start in range(0, len(ids), 100):
        tim.account.import_accounts(ids[start:start + 100])


def _operator(app, name="operator"):
    with db.new_session(app) as sess:
        return sess.scalar(select(Operator).where(Operator.name == name))


def _job(app, job_id):
    with db.new_session(app) as sess:
        return sess.get(Job, job_id)


def test_directory_check_runs_in_batches_and_is_audited(app, operators, tim, signed_in):
    existing = [f"user{i:03d}" for i in range(150)]
    _import(tim, existing)
    ids = existing + [f"ghost{i:03d}" for i in range(100)]
    browser = signed_in("operator")
    resp = browser.post("/jobs/directory-check", {"ids": "\n".join(ids)})
    assert resp.status_code == 302
    job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    job = _job(app, job_id)
    assert (job.status, job.total, job.done, job.ok_count, job.failed_count) == ("done", 250, 250, 250, 0)
    with db.new_session(app) as sess:
        calls = sess.scalars(select(AuditEntry).where(AuditEntry.job_id == job_id)).all()
        assert [c.action for c in calls] == ["account.check_accounts"] * 3  # 100 + 100 + 50
        assert {(c.operator_name, c.source) for c in calls} == {("operator", "job")}
        assert sess.scalar(select(func.count()).select_from(JobResult).where(JobResult.job_id == job_id)) == 250
        sources = dict(sess.execute(select(Account.user_id, Account.source)).all())
    assert set(sources) == set(existing) and set(sources.values()) == {"csv"}
    page = browser.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "every 1s" not in page  # finished: the card stops polling


def test_progress_card_polls_while_running(app, operators, signed_in):
    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="running", params={"items": ["a"]}, total=1)
        sess.add(job)
    html = signed_in("viewer").get(f"/jobs/{job.id}/progress", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in html.get_data(as_text=True)
    assert "<html" not in html.get_data(as_text=True)


def test_failed_batch_is_recorded_per_item(app, operators, sandbox):
    sandbox.faults.set(error_rate=1.0, error_code=70500)
    with app.test_request_context():
        job = jobs.start("directory.check", {}, _operator(app), items=["a", "b"])
    job = _job(app, job.id)
    assert job.status == "done" and job.failed_count == 2
    with db.new_session(app) as sess:
        codes = sess.scalars(select(JobResult.code).where(JobResult.job_id == job.id)).all()
    assert codes == [70500, 70500]


@pytest.fixture
def queued_app(make_app, app, operators):
    """A second app on the same database whose jobs go through Huey's SQLite queue."""
    return make_app(JOBS_IMMEDIATE=False)


def _wait(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _consumer(app):
    huey = app.extensions["huey"]
    assert not huey.immediate and type(huey).__name__ == "SqliteHuey"
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False, initial_delay=0.05,
                                    max_delay=0.2)
    consumer.start()
    return consumer


def test_queued_job_runs_when_a_consumer_starts(queued_app, tim):
    """The web process only enqueues; the job waits in the queue (a web restart loses nothing)."""
    _import(tim, ["q1", "q2"])
    with queued_app.test_request_context():
        job = jobs.start("directory.check", {}, _operator(queued_app), items=["q1", "q2", "nobody"])
    time.sleep(0.3)
    assert _job(queued_app, job.id).status == "queued"
    consumer = _consumer(queued_app)
    try:
        assert _wait(lambda: _job(queued_app, job.id).status == "done")
    finally:
        consumer.stop(graceful=True)
    done = _job(queued_app, job.id)
    assert (done.ok_count, done.failed_count, done.runs) == (3, 0, 1)


def test_cancel_a_queued_job(queued_app, signed_in):
    with queued_app.test_request_context():
        job = jobs.start("directory.check", {}, _operator(queued_app), items=["c1"])
    resp = signed_in("operator").post(f"/jobs/{job.id}/cancel", htmx=True)
    assert resp.status_code == 200 and "cancelled" in resp.get_data(as_text=True)
    consumer = _consumer(queued_app)
    try:
        time.sleep(1.0)  # the task is dequeued and refuses to run a cancelled job
    finally:
        consumer.stop(graceful=True)
    job = _job(queued_app, job.id)
    assert job.status == "cancelled" and job.done == 0 and job.runs == 0


def test_cancel_a_running_job_stops_after_the_batch(app, operators):
    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="running", params={"items": ["r1", "r2"]}, total=2,
                  worker=jobs.worker_id(), cancel_requested=True)
        sess.add(job)
    jobs._run_batches(app, job.id, jobs.KINDS["directory.check"], None, ["r1", "r2"])
    assert _job(app, job.id).status == "cancelled"


def test_a_job_whose_worker_died_resumes_at_its_cursor(app, operators, tim):
    ids = [f"res{i:03d}" for i in range(250)]
    _import(tim, ids)
    op = _operator(app)
    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="running", params={"items": ids}, total=250, cursor=100,
                  done=100, ok_count=100, worker=f"{socket.gethostname()}:999999999", runs=1,
                  operator_id=op.id, operator_name=op.name, operator_role=op.role)
        sess.add(job)
    assert jobs.reclaim(app) == [job.id]  # immediate mode: it also ran to the end
    resumed = _job(app, job.id)
    assert (resumed.status, resumed.done, resumed.cursor, resumed.runs) == ("done", 250, 250, 2)
    with db.new_session(app) as sess:
        calls = sess.scalars(select(AuditEntry).where(AuditEntry.job_id == job.id)).all()
        seqs = sess.scalars(select(JobResult.seq).where(JobResult.job_id == job.id)).all()
    assert len(calls) == 2 and all(c.operator_name == "operator" for c in calls)
    assert sorted(seqs) == list(range(100, 250))


def test_a_live_worker_is_left_alone(app, operators):
    with db.new_session(app) as sess:
        job = Job(kind="directory.check", status="running", params={"items": ["x"]}, total=1,
                  worker=jobs.worker_id(), heartbeat_at=jobs.utcnow())
        sess.add(job)
    assert jobs.reclaim(app) == []
    assert _job(app, job.id).status == "running"


def test_unknown_kind_is_refused(app, operators):
    with app.test_request_context(), pytest.raises(ValueError):
        jobs.start("no.such.kind", {}, _operator(app), items=["a"])
