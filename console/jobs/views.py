"""The Jobs pages: the list, a job's page with its per-item results, the progress partial every
feature shows (it polls itself while the job runs), cancel, and the results download.

The `/accounts/jobs/...` and `/messages/jobs/...` addresses of older pages stay as aliases.
"""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from console import db, forms, jobs
from console.models import Job, JobResult
from console.jobs.progress import card
from console.security import role_required
from console.ui.downloads import csv_stream
from console.ui.htmx import wants_fragment

bp = Blueprint("jobs", __name__)

MAX_CHECK_IDS = 10_000
RESULTS_SHOWN = 1000


@bp.route("/jobs")
@role_required("viewer")
def index():
    rows = db.session.scalars(select(Job).order_by(Job.id.desc()).limit(100)).all()
    return render_template("jobs/index.html", jobs=rows, max_ids=MAX_CHECK_IDS)


@bp.route("/jobs/<int:job_id>")
@bp.route("/messages/jobs/<int:job_id>", endpoint="detail_messages")
@role_required("viewer")
def detail(job_id: int):
    """The job's page: progress, facts and every per-item result (the first RESULTS_SHOWN)."""
    job = db.get_or_404(Job, job_id)
    failed_only = bool(request.args.get("failed"))
    results = jobs.results(db.session, job_id, failed_only=failed_only, limit=RESULTS_SHOWN)
    return render_template("jobs/detail.html", job=job, results=results, failed_only=failed_only,
                           limit=RESULTS_SHOWN)


@bp.route("/jobs/<int:job_id>/progress")
@bp.route("/accounts/jobs/<int:job_id>", endpoint="progress_accounts")
@role_required("viewer")
def progress(job_id: int):
    """Fragment: the job's progress card; it re-requests itself every second while the job is active."""
    return card(db.get_or_404(Job, job_id))


@bp.route("/jobs/<int:job_id>/cancel", methods=["POST"])
@bp.route("/accounts/jobs/<int:job_id>/cancel", methods=["POST"], endpoint="cancel_accounts")
@role_required("operator")
def cancel(job_id: int):
    """Cancel a queued job, or stop a running one after its current batch."""
    job = db.get_or_404(Job, job_id)
    jobs.cancel(job.id)
    if wants_fragment():
        return card(job)
    flash(_("Cancellation requested."), "info")
    return redirect(url_for("jobs.detail", job_id=job_id))


@bp.route("/jobs/<int:job_id>/results.csv")
@bp.route("/accounts/jobs/<int:job_id>/results.csv", endpoint="results_csv_accounts")
@role_required("viewer")
def results_csv(job_id: int):
    """Every per-item result of the job: item, ok, code, detail."""
    job = db.get_or_404(Job, job_id)
    kind = jobs.KINDS.get(job.kind)
    rows = db.session.execute(select(JobResult.item, JobResult.ok, JobResult.code, JobResult.detail)
                              .where(JobResult.job_id == job.id).order_by(JobResult.seq)).yield_per(1000)
    header = [kind.item_name if kind else "item", "ok", "code", "detail"]
    lines = ((item, "yes" if ok else "no", code, detail or "") for item, ok, code, detail in rows)
    return Response(stream_with_context(csv_stream(header, lines)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=job-{job.id}-results.csv"})


@bp.route("/jobs/directory-check", methods=["POST"])
@role_required("operator")
def start_directory_check():
    """Check a pasted list of user IDs against IM; imported ones join the directory."""
    ids = forms.user_ids(request.form.get("ids"), "ids", _("User IDs"), limit=MAX_CHECK_IDS)
    job = jobs.start("directory.check", {"source": "csv"}, current_user, items=ids)
    return redirect(url_for("jobs.detail", job_id=job.id))
