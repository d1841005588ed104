"""Two-factor authentication pages: the operator's own enrolment, recovery codes and turning it
off (/me/2fa), an admin's reset and the policy of who must use it; and the gate that sends an
operator the policy covers to enrolment before anything else."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import make_response

from console import db, security
from console.audit import record_action
from console.models import ROLES, Operator, OperatorTOTP
from console.operators import twofactor
from console.security import role_required, sudo_required

bp = Blueprint("twofactor", __name__)

#: what an operator who must enrol can still open
OPEN_DURING_ENROLMENT = {"static", "auth.me", "auth.logout", "auth.login", "auth.login_code", "auth.setup", "sessions.sudo",
                         "health.healthz"}


@bp.before_app_request
def _enrolment_gate():
    if request.endpoint is None or request.endpoint in OPEN_DURING_ENROLMENT \
            or request.endpoint.startswith("twofactor.") or not current_user.is_authenticated:
        return None
    row = security.current_session()
    if (row is not None and row.method == "sso") or not twofactor.must_enrol(db.session, current_user):
        return None  # single sign-on: the identity provider's own second factor applies
    url = url_for("twofactor.index")
    if request.htmx:
        return make_response("", 401, redirect=url)
    flash(_("Set up two-factor authentication to continue: it is required for your role."), "info")
    return redirect(url)


def _page(status: int = 200, **context):
    operator = current_user._get_current_object()
    row = db.session.get(OperatorTOTP, operator.id)
    return render_template("operators/auth/twofactor.html", enabled=bool(row and row.enabled),
                           required=operator.role in twofactor.required_roles(db.session),
                           unused=twofactor.unused_codes(db.session, operator.id), **context), status


def _enrolment(row, error: str | None = None):
    uri = twofactor.provisioning_uri(current_user, row)
    return _page(400 if error else 200, enrolling=True, secret=row.secret, qr=twofactor.qr_data_uri(uri),
                 error=error)


@bp.route("/me/2fa")
@role_required("viewer")
def index():
    return _page()


@bp.route("/me/2fa/start", methods=["POST"])
@role_required("viewer")
@sudo_required
def start():
    """A new secret to scan (replacing one not yet confirmed)."""
    if security.totp_of(current_user) is not None:
        return redirect(url_for("twofactor.index"))
    twofactor.remove(db.session, current_user.id)
    row = twofactor.pending_or_new(db.session, current_user)
    db.session.commit()
    return _enrolment(row)


@bp.route("/me/2fa/confirm", methods=["POST"])
@role_required("viewer")
def confirm():
    row = db.session.get(OperatorTOTP, current_user.id)
    if row is None or row.enabled:
        return redirect(url_for("twofactor.index"))
    codes = twofactor.confirm(db.session, row, request.form.get("code", ""))
    if codes is None:
        db.session.rollback()
        return _enrolment(row, _("That code is not valid. Check the time on your phone and try the next code."))
    db.session.commit()
    record_action("operator.enable_2fa", [current_user.name])
    return _page(codes=codes, done=_("Two-factor authentication is on."))


@bp.route("/me/2fa/recovery", methods=["POST"])
@role_required("viewer")
@sudo_required
def recovery():
    """New recovery codes (the old ones stop working), shown once."""
    if security.totp_of(current_user) is None:
        return redirect(url_for("twofactor.index"))
    codes = twofactor.new_recovery_codes(db.session, current_user.id)
    db.session.commit()
    return _page(codes=codes, done=_("New recovery codes made. The old ones no longer work."))


@bp.route("/me/2fa/disable", methods=["POST"])
@role_required("viewer")
def disable():
    """Turn it off: needs the password and a code (or a recovery code)."""
    operator = current_user._get_current_object()
    if security.totp_of(operator) is None:
        return redirect(url_for("twofactor.index"))
    if not security.check_password(operator, request.form.get("password", "")):
        return _page(400, error=_("The password is wrong."))
    if twofactor.check_second_factor(db.session, operator, request.form.get("code", "")) is None:
        db.session.rollback()
        return _page(400, error=_("That code is not valid."))
    if operator.role in twofactor.required_roles(db.session):
        db.session.rollback()
        return _page(409, error=_("Your role must use two-factor authentication: it cannot be turned off."))
    twofactor.remove(db.session, operator.id)
    db.session.commit()
    record_action("operator.disable_2fa", [operator.name])
    flash(_("Two-factor authentication is off."), "success")
    return redirect(url_for("twofactor.index"))


# ---- admins ------------------------------------------------------------------------------------

@bp.route("/operators/<int:op_id>/2fa/reset", methods=["POST"])
@role_required("admin")
@sudo_required
def reset(op_id: int):
    """Remove another operator's second factor (a lost phone); they enrol again at next sign-in."""
    op = db.get_or_404(Operator, op_id)
    if op.id == current_user.id:
        abort(409, description=_("Turn your own second factor off from your account page."))
    had = twofactor.remove(db.session, op.id)
    security.end_sessions(op.id)
    db.session.commit()
    record_action("operator.reset_2fa", [op.name], detail={"had_2fa": had})
    flash(_("Two-factor authentication of %(name)s was reset; their sessions are signed out.", name=op.name),
          "success")
    return redirect(url_for("operators.detail", op_id=op.id))


@bp.route("/operators/2fa-policy", methods=["POST"])
@role_required("admin")
@sudo_required
def policy():
    """Which roles must use a second factor (every operator = every role)."""
    wanted = request.form.getlist("role")
    if any(r not in ROLES for r in wanted):
        abort(400)
    before = twofactor.required_roles(db.session)
    chosen = twofactor.set_required_roles(db.session, wanted)
    db.session.commit()
    record_action("settings.require_2fa", detail={"from": list(before), "to": list(chosen)})
    flash(_("Saved who must use two-factor authentication."), "success")
    return redirect(url_for("operators.index"))
