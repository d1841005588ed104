"""The audit log: filtered list, detail, streamed export, and the History panel fragment."""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from console import db, forms
from console.audit import record_action
from console.audit.query import OUTCOMES, AuditFilter, export_csv, export_jsonl, history, iter_filtered, page
from console.ui.htmx import targets
from console.models import AuditEntry, Operator
from console.security import role_required

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filter() -> AuditFilter:
    return AuditFilter.from_args(request.args)


@bp.route("")
@role_required("viewer")
def index():
    flt = _filter()
    before = forms.query_int(request.args, "before")
    size = forms.query_int(request.args, "size", default=current_app.config["AUDIT_PAGE_SIZE"] or 50,
                           lo=1, hi=500, clamp=True)
    rows, next_before = page(db.session, flt, before, size)
    ctx = dict(rows=rows, flt=flt, next_before=next_before, outcomes=OUTCOMES, size=size)
    if targets("audit-results"):
        # the address bar gets the filter's own URL (no empty fields): the one to share
        return render_template("audit/_results.html", **ctx), {"HX-Push-Url": url_for("audit.index", **flt.args())}
    names = db.session.scalars(select(Operator.name).order_by(Operator.name)).all()
    return render_template("audit/index.html", operator_names=names, **ctx)


@bp.route("/<int:entry_id>")
@role_required("viewer")
def detail(entry_id: int):
    entry = db.get_or_404(AuditEntry, entry_id)
    return render_template("audit/detail.html", entry=entry, pretty=_pretty)


def _pretty(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


@bp.route("/history")
@role_required("viewer")
def history_panel():
    """Fragment: the latest audit entries naming `target`, for any detail page to include."""
    target = request.args.get("target", "").strip()[:160]
    if not target:
        abort(400)
    limit = forms.query_int(request.args, "limit", default=20, lo=1, hi=200, clamp=True)
    return render_template("audit/_history.html", target=target, rows=history(db.session, target, limit))


@bp.route("/export.<fmt>")
@role_required("viewer")
def export(fmt: str):
    if fmt not in ("csv", "jsonl"):
        abort(404)
    flt = _filter()
    app = current_app._get_current_object()
    record_action("audit.export", detail={"format": fmt, "filter": flt.args()})

    def generate():
        with db.new_session(app) as sess:
            entries = iter_filtered(sess, flt)
            yield from (export_csv(entries) if fmt == "csv" else export_jsonl(entries))

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    mimetype = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return Response(generate(), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="audit-{stamp}.{fmt}"'})
