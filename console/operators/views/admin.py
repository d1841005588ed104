"""Admin page to manage operators: create, change role, disable/enable, reset password. Audited."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from console import db, security
from console.audit import record_action
from console.models import ROLES, Operator
from console.security import role_required

bp = Blueprint("operators", __name__, url_prefix="/operators")


def _render(error: str | None = None, status: int = 200, **form):
    operators = db.session.scalars(select(Operator).order_by(Operator.name)).all()
    return render_template("operators/admin/index.html", operators=operators, roles=ROLES, error=error,
                           form=form), status


@bp.route("")
@role_required("admin")
def index():
    return _render()


@bp.route("", methods=["POST"])
@role_required("admin")
def create():
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "viewer")
    password = request.form.get("password", "")
    problem = security.name_problem(name) or security.password_problem(password)
    if not problem and role not in ROLES:
        problem = _("Unknown role.")
    if not problem and db.session.scalar(select(Operator).where(func.lower(Operator.name) == name.lower())):
        problem = _("An operator named %(name)s already exists.", name=name)
    if problem:
        return _render(problem, 400, name=name, role=role)
    db.session.add(Operator(name=name, role=role, password_hash=security.hash_password(password)))
    db.session.commit()
    record_action("operator.create", [name], detail={"role": role})
    flash(_("Operator %(name)s created.", name=name), "success")
    return redirect(url_for("operators.index"))


def _guard_self(op: Operator) -> None:
    """Admins cannot demote or disable themselves (there must always be someone left in charge)."""
    if op.id == current_user.id:
        abort(409, description=_("You cannot change your own role or access here."))


@bp.route("/<int:op_id>/role", methods=["POST"])
@role_required("admin")
def set_role(op_id: int):
    op = db.get_or_404(Operator, op_id)
    _guard_self(op)
    role = request.form.get("role", "")
    if role not in ROLES:
        abort(400)
    old, op.role = op.role, role
    db.session.commit()
    record_action("operator.set_role", [op.name], detail={"from": old, "to": role})
    flash(_("%(name)s is now %(role)s.", name=op.name, role=role), "success")
    return redirect(url_for("operators.index"))


@bp.route("/<int:op_id>/access", methods=["POST"])
@role_required("admin")
def set_access(op_id: int):
    op = db.get_or_404(Operator, op_id)
    _guard_self(op)
    disable = request.form.get("disabled") == "1"
    op.disabled = disable
    if disable:
        op.session_token = security.new_session_token()
    db.session.commit()
    record_action("operator.disable" if disable else "operator.enable", [op.name])
    flash(_("%(name)s disabled.", name=op.name) if disable else _("%(name)s enabled.", name=op.name), "success")
    return redirect(url_for("operators.index"))


@bp.route("/<int:op_id>/password", methods=["POST"])
@role_required("admin")
def reset_password(op_id: int):
    op = db.get_or_404(Operator, op_id)
    password = request.form.get("password", "")
    problem = security.password_problem(password)
    if problem:
        return _render(problem, 400)
    op.password_hash = security.hash_password(password)
    op.session_token = security.new_session_token()
    db.session.commit()
    record_action("operator.reset_password", [op.name])
    flash(_("Password of %(name)s reset; their sessions are signed out.", name=op.name), "success")
    return redirect(url_for("operators.index"))
