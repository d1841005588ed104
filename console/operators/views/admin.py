"""Admin page to manage operators: create, change role, disable/enable, reset password. Audited."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from console import db, forms, security
from console.forms import FormError
from console.audit import record_action
from console.models import ROLES, Operator
from console.operators import history, twofactor
from console.security import role_required, sudo_required

bp = Blueprint("operators", __name__, url_prefix="/operators")


def _context() -> dict:
    operators = db.session.scalars(select(Operator).order_by(Operator.name)).all()
    return dict(operators=operators, roles=ROLES, failures=history.failures_by_operator(db.session),
                unknown=history.recent_unknown(db.session), required_2fa=twofactor.required_roles(db.session))


def _render():
    return render_template("operators/admin/index.html", form={}, **_context())


@bp.route("")
@role_required("admin")
def index():
    return _render()


@bp.route("/<int:op_id>")
@role_required("admin")
def detail(op_id: int):
    """One operator: their live sessions, sign-in history and failed attempts, second factor."""
    op = db.get_or_404(Operator, op_id)
    return render_template("operators/admin/detail.html", op=op, sessions=security.live_sessions(op.id),
                           attempts=history.attempts(db.session, op.id),
                           failures=history.failures_by_operator(db.session).get(op.id, 0),
                           totp=security.totp_of(op))


def plan_operator(form) -> tuple[str, str, str]:
    """(name, role, password) of the new-operator form; FormError keyed by field."""
    name = form.get("name", "").strip()
    role = form.get("role", "viewer")
    password = form.get("password", "")
    problems = {k: v for k, v in (("name", security.name_problem(name)),
                                  ("password", security.password_problem(password)),
                                  ("role", None if role in ROLES else _("Unknown role."))) if v}
    if not problems and db.session.scalar(select(Operator).where(func.lower(Operator.name) == name.lower())):
        problems["name"] = _("An operator named %(name)s already exists.", name=name)
    if problems:
        raise FormError(problems)
    return name, role, password


@bp.route("", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("operators/admin/index.html", _context)
def create():
    name, role, password = plan_operator(request.form)
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
@sudo_required
def set_role(op_id: int):
    op = db.get_or_404(Operator, op_id)
    _guard_self(op)
    role = request.form.get("role", "")
    if role not in ROLES:
        abort(400)
    old, op.role = op.role, role
    if old != role:  # a session opened under the old role ends (the operator signs in again)
        security.end_sessions(op.id)
    db.session.commit()
    record_action("operator.set_role", [op.name], detail={"from": old, "to": role})
    flash(_("%(name)s is now %(role)s.", name=op.name, role=role), "success")
    return redirect(url_for("operators.index"))


@bp.route("/<int:op_id>/access", methods=["POST"])
@role_required("admin")
@sudo_required
def set_access(op_id: int):
    op = db.get_or_404(Operator, op_id)
    _guard_self(op)
    disable = request.form.get("disabled") == "1"
    op.disabled = disable
    if disable:
        op.session_token = security.new_session_token()
        security.end_sessions(op.id)
    db.session.commit()
    record_action("operator.disable" if disable else "operator.enable", [op.name])
    flash(_("%(name)s disabled.", name=op.name) if disable else _("%(name)s enabled.", name=op.name), "success")
    return redirect(url_for("operators.index"))


@bp.route("/<int:op_id>/password", methods=["POST"])
@role_required("admin")
@sudo_required
@forms.page("operators/admin/index.html", _context)
def reset_password(op_id: int):
    op = db.get_or_404(Operator, op_id)
    password = request.form.get("password", "")
    problem = security.password_problem(password)
    if problem:
        raise FormError(problem, "password")
    op.password_hash = security.hash_password(password)
    op.session_token = security.new_session_token()
    security.end_sessions(op.id)
    db.session.commit()
    record_action("operator.reset_password", [op.name])
    flash(_("Password of %(name)s reset; their sessions are signed out.", name=op.name), "success")
    return redirect(url_for("operators.index"))
