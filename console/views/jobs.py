"""Jobs: list, detail with a self-polling progress card, cancel, and the directory check job."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from console import db, jobs
from console.ui.htmx import wants_fragment
from console.models import Job
from console.security import role_required

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

MAX_CHECK_IDS = 10_000


@bp.route("")
@role_required("viewer")
def index():
    rows = db.session.scalars(select(Job).order_by(Job.id.desc()).limit(100)).all()
    return render_template("jobs/index.html", jobs=rows, max_ids=MAX_CHECK_IDS)


@bp.route("/<int:job_id>")
@role_required("viewer")
def detail(job_id: int):
    job = db.get_or_404(Job, job_id)
    failed = jobs.results(db.session, job_id, failed_only=True, limit=200)
    return render_template("jobs/detail.html", job=job, failed=failed)


@bp.route("/<int:job_id>/progress")
@role_required("viewer")
def progress(job_id: int):
    """Fragment: the job card; it re-requests itself every second while the job is active."""
    return render_template("jobs/_card.html", job=db.get_or_404(Job, job_id))


@bp.route("/<int:job_id>/cancel", methods=["POST"])
@role_required("operator")
def cancel(job_id: int):
    job = db.get_or_404(Job, job_id)
    jobs.cancel(job.id)
    db.session.expire_all()
    if wants_fragment():
        return render_template("jobs/_card.html", job=db.get_or_404(Job, job_id))
    flash(_("Cancellation requested."), "info")
    return redirect(url_for("jobs.detail", job_id=job_id))


@bp.route("/directory-check", methods=["POST"])
@role_required("operator")
def start_directory_check():
    """Check a pasted list of user IDs against IM; imported ones join the directory."""
    ids = list(dict.fromkeys(i for i in re.split(r"[\s,;]+", request.form.get("ids", "")) if i))
    if not ids or len(ids) > MAX_CHECK_IDS:
        flash(_("Paste between 1 and %(n)d user IDs.", n=MAX_CHECK_IDS), "error")
        return redirect(url_for("jobs.index"))
    job = jobs.start("directory.check", {"source": "csv"}, current_user, items=ids)
    return redirect(url_for("jobs.detail", job_id=job.id))
