"""Keyword lists (admin): create, import, edit, export, delete, push to IM's keyword libraries."""
from __future__ import annotations

import time

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for

from flask_babel import lazy_gettext as _l

from console import db, forms
from console.audit import record_action
from console.events import keywords, rules
from console.forms import FormError
from console.models.moderation import KeywordList
from console.security import current_user, role_required, sudo_required
from console.tim import TimError
from console.ui.downloads import csv_stream

bp = Blueprint("keywords", __name__, url_prefix="/keywords")


def _lists() -> list[KeywordList]:
    return db.session.query(KeywordList).order_by(KeywordList.name).all()


def _context(**ctx) -> dict:
    return dict(lists=_lists(), split=rules.split_words, **ctx)


def _list(list_id: int) -> KeywordList:
    kw = db.session.get(KeywordList, list_id)
    if kw is None:
        abort(404)
    return kw


def _edit_context() -> dict:
    kw = _list(request.view_args["list_id"])
    return _context(kw=kw, used_by=keywords.used_by(db.session, kw))


@bp.route("")
@role_required("admin")
def index():
    return render_template("events/keywords/index.html", **_context(form={}, problems={}))


def _save(kw: KeywordList | None, action: str):
    try:
        data = keywords.plan_list(request.form, request.files, kw)
    except FormError as exc:
        record_action(action, targets=[f"keywords:{kw.id}"] if kw else [], outcome="failed",
                      detail={"name": request.form.get("name")}, error=exc)
        raise
    saved, summary = keywords.save(db.session, kw, data, current_user.name)
    db.session.commit()
    record_action(action, targets=[f"keywords:{saved.id}"], detail=summary)
    return redirect(url_for("keywords.edit", list_id=saved.id))


@bp.route("", methods=["POST"])
@role_required("admin")
@forms.page("events/keywords/index.html", _context)
def create():
    return _save(None, "keywords.create")


@bp.route("/<int:list_id>")
@role_required("admin")
def edit(list_id: int):
    kw = _list(list_id)
    form = {"name": kw.name, "words": kw.words, "whole_word": "1" if kw.whole_word else ""}
    return render_template("events/keywords/edit.html", **_edit_context(), form=form, problems={})


@bp.route("/<int:list_id>", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("events/keywords/edit.html", _edit_context)
def update(list_id: int):
    return _save(_list(list_id), "keywords.update")


@bp.route("/<int:list_id>/delete", methods=["POST"])
@role_required("admin")
@sudo_required
def delete(list_id: int):
    kw = _list(list_id)
    users = keywords.used_by(db.session, kw)
    if users:
        raise FormError(_l("Rules use this list: %(names)s. Change them first.",
                           names=", ".join(r.name for r in users)), "")
    snapshot = {"name": kw.name, "words": len(rules.split_words(kw.words))}
    db.session.delete(kw)
    db.session.commit()
    rules.cache.invalidate()
    record_action("keywords.delete", targets=[f"keywords:{list_id}"], detail=snapshot)
    return redirect(url_for("keywords.index"))


@bp.route("/<int:list_id>/export.<fmt>")
@role_required("admin")
def export(list_id: int, fmt: str):
    kw = _list(list_id)
    if fmt == "txt":
        body, mimetype = keywords.export_text(kw), "text/plain"
    elif fmt == "csv":
        body, mimetype = csv_stream(["word"], keywords.export_csv_rows(kw)), "text/csv"
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="keywords-{kw.id}.{fmt}"'
    return response


def _target_choices() -> list[tuple[str, str]]:
    libraries = g.tim.moderation.list_libraries()
    return [("local", None)] + [(f"cloud:{lib.id}", lib.name or lib.id) for lib in libraries]


@bp.route("/<int:list_id>/sync")
@role_required("admin")
def sync_targets(list_id: int):
    """Fragment: where the list can be pushed (reads IM's cloud libraries)."""
    kw = _list(list_id)
    try:
        targets = _target_choices()
    except TimError as exc:
        return render_template("events/keywords/_sync.html", kw=kw, error=exc, targets=[("local", None)])
    return render_template("events/keywords/_sync.html", kw=kw, targets=targets)


def _plan(list_id: int) -> tuple[KeywordList, keywords.SyncPlan]:
    kw = _list(list_id)
    return kw, keywords.plan_sync(g.tim, kw, keywords.parse_target(request.form.get("target")))


@bp.route("/<int:list_id>/sync/plan", methods=["POST"])
@role_required("admin")
def sync_plan(list_id: int):
    """Fragment: what a push would add to and remove from IM, with the button that pushes."""
    kw, plan = _plan(list_id)
    return render_template("events/keywords/_sync_plan.html", kw=kw, plan=plan)


@bp.route("/<int:list_id>/sync", methods=["POST"])
@role_required("admin")
@sudo_required
def sync(list_id: int):
    """Push the list: the diff again (IM may have changed since it was shown), then the calls."""
    kw, plan = _plan(list_id)
    target = plan.target
    detail = {"name": kw.name, "target": target, "added": len(plan.add), "removed": len(plan.remove)}
    try:
        keywords.push(g.tim, plan)
    except TimError as exc:
        record_action("keywords.sync", targets=[f"keywords:{kw.id}"], outcome="failed", detail=detail,
                      error=exc)
        raise
    kw.synced_to, kw.synced_ms = target, int(time.time() * 1000)
    db.session.commit()
    record_action("keywords.sync", targets=[f"keywords:{kw.id}"], detail=detail)
    return render_template("events/keywords/_sync_plan.html", kw=kw, plan=plan, done=True)
