"""Server-side sessions: the operator's own list on /me (end any of them), an admin ending another
operator's sessions, and /sudo, where the htmx re-authentication dialog proves who the operator is."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from console import db, security
from console.audit import record_action
from console.models import Operator, OperatorSession
from console.security import limiter, role_required, sudo_required

bp = Blueprint("sessions", __name__)


@bp.route("/me/sessions/<int:session_id>/end", methods=["POST"])
@role_required("viewer")
def end_own(session_id: int):
    """End one of the operator's own sessions (this one signs out)."""
    row = db.session.get(OperatorSession, session_id)
    if row is None or row.operator_id != current_user.id:
        abort(404)
    current = security.current_session()
    security.end_sessions(current_user.id, ids=[row.id])
    db.session.commit()
    if current is not None and current.id == row.id:
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("The session was ended."), "success")
    return redirect(url_for("auth.me"))


@bp.route("/operators/<int:op_id>/sessions/end", methods=["POST"])
@role_required("admin")
@sudo_required
def end_operator_sessions(op_id: int):
    """An admin ends one (`session_id`) or every session of another operator."""
    op = db.get_or_404(Operator, op_id)
    session_id = request.form.get("session_id", type=int)   # bounded: see forms.CleanParameters
    if request.form.get("session_id") and session_id is None:
        abort(400)
    ids = [session_id] if session_id is not None else None
    keep = security.current_session().id if op.id == current_user.id else None
    ended = security.end_sessions(op.id, ids=ids, keep=keep)
    db.session.commit()
    record_action("operator.end_sessions", [op.name], detail={"ended": ended})
    flash(_("Sessions of %(name)s ended: %(n)d.", name=op.name, n=ended), "success")
    return redirect(url_for("operators.detail", op_id=op.id))


@bp.route("/sudo", methods=["POST"])
@role_required("viewer")
@limiter.limit("30 per minute")
def sudo():
    """Re-authenticate this session (the htmx dialog): 204 when proved, else 400 with the reason."""
    error = security.prove(request.form.get("sudo_password", ""), request.form.get("sudo_code", ""))
    if error:
        return error, 400, {"Content-Type": "text/plain; charset=utf-8"}
    return "", 204
