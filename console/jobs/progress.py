"""The progress card of a job, as every feature's page answers with it after starting one."""
from __future__ import annotations

from flask import render_template

from console import db, jobs
from console.models import Job

#: a finished job's card lists every item up to this many, else only the failed ones
SMALL_JOB = 50


def card(job: Job):
    """The progress partial of `job` (re-read), with its per-item results once it has finished."""
    db.session.expire_all()
    job = db.get_or_404(Job, job.id)
    shown = [] if job.active else jobs.results(db.session, job.id, failed_only=job.total > SMALL_JOB, limit=200)
    return render_template("jobs/_progress.html", job=job, results=shown, small=SMALL_JOB)
