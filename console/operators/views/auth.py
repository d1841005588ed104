"""Sign in and out, the one-time first-admin setup, and the operator's own password and preferences."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from console import db, security
from console.audit import record_action
from console.i18n import LANG_COOKIE, LOCALES, valid_timezone
from console.models import Operator
from console.operators import signin, twofactor
from console.security import limiter, role_required

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def _failed(response) -> bool:
    return response.status_code == 401


def _name_key() -> str:
    return "login-name:" + request.form.get("name", "").strip().lower()[:64]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_name_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if request.method == "GET":
        return render_template("operators/auth/login.html", next=request.args.get("next", ""))
    if not current_app.config["LOCAL_PASSWORDS"]:
        return render_template("operators/auth/login.html", next=request.form.get("next", ""),
                               error=_("Passwords are turned off: sign in with single sign-on.")), 403
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    operator = None if security.name_problem(name) or "\x00" in name else db.session.scalar(
        select(Operator).where(func.lower(Operator.name) == name.lower()))
    if not security.check_password(operator, password) or operator.disabled:
        reason = "unknown_name" if operator is None else ("disabled" if operator.disabled else "wrong_password")
        security.record_attempt(name, "password", False, operator, reason=reason)
        return render_template("operators/auth/login.html", next=request.form.get("next", ""), name=name,
                               error=_("Wrong name or password.")), 401
    return signin.after_first_factor(operator, signin.safe_next(request.form.get("next")))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login_code():
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    operator, next_url = signin.pending_operator()
    if operator is None:
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return render_template("operators/auth/login_code.html")
    method = twofactor.check_second_factor(db.session, operator, request.form.get("code", ""))
    if method is None:
        db.session.rollback()
        security.record_attempt(operator.name, "totp", False, operator, reason="wrong_code")
        if not signin.count_failure():  # too many wrong codes: start again from the password
            flash(_("Too many wrong codes. Sign in again."), "info")
            return redirect(url_for("auth.login"))
        return render_template("operators/auth/login_code.html", error=_("That code is not valid.")), 401
    db.session.commit()  # the step or recovery code is spent before the session starts
    return signin.complete(operator, method, next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    security.end_current_session()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute")
def setup(token: str):
    """Create the first admin with the one-time token printed at start; then the URL is dead."""
    if not security.setup_token_valid(db.session, token):
        abort(404)
    if request.method == "GET":
        return render_template("operators/auth/setup.html", token=token)
    if not current_app.config["LOCAL_PASSWORDS"]:
        abort(403)
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    error = _form_problem(name, password, request.form.get("confirm", ""))
    if error:
        return render_template("operators/auth/setup.html", token=token, name=name, error=error), 400
    admin = security.create_first_admin(db.session, token, name, security.hash_password(password))
    if admin is None:  # another request used the link first
        abort(404)
    security.sign_in(admin, "setup")
    security.record_attempt(name, "setup", True, admin)
    record_action("operator.create", [name], detail={"role": "admin", "via": "setup"})
    flash(_("Welcome, %(name)s. You are the first admin.", name=name), "success")
    return redirect(url_for("dashboard.index"))


def _form_problem(name: str, password: str, confirm: str) -> str | None:
    problem = security.name_problem(name)
    if problem:
        return problem
    if password != confirm:
        return _("The two passwords differ.")
    return security.password_problem(password)


@bp.route("/me")
@role_required("viewer")
def me():
    return _me()


def _me(error: str | None = None, status: int = 200):
    """The operator's own page: password, preferences, sessions, second factor."""
    return render_template("operators/auth/me.html", error=error, my_sessions=security.live_sessions(current_user.id),
                           current_session=security.current_session(), **me_extras()), status


def me_extras() -> dict:
    return {"has_2fa": security.totp_of(current_user) is not None}


@bp.route("/me/password", methods=["POST"])
@role_required("viewer")
@limiter.limit(_login_limit, deduct_when=lambda r: r.status_code == 400)
def change_password():
    if not current_app.config["LOCAL_PASSWORDS"]:
        abort(403)
    if not security.check_password(current_user, request.form.get("current", "")):
        return _me(_("The current password is wrong."), 400)
    password = request.form.get("password", "")
    problem = _form_problem(current_user.name, password, request.form.get("confirm", ""))
    if problem:
        return _me(problem, 400)
    operator = current_user._get_current_object()
    operator.password_hash = security.hash_password(password)
    operator.session_token = security.new_session_token()
    security.end_sessions(operator.id)
    db.session.commit()
    security.sign_in(operator, "password")  # a new session here; every other one (and copies) ended
    record_action("operator.change_password", [current_user.name])
    flash(_("Your password was changed. Other sessions are signed out."), "success")
    return redirect(url_for("auth.me"))


@bp.route("/me/preferences", methods=["POST"])
@role_required("viewer")
def preferences():
    tz = request.form.get("timezone", "").strip()
    if tz and not valid_timezone(tz):
        return _me(_("Unknown time zone %(tz)s.", tz=tz), 400)
    current_user.timezone = tz or None
    db.session.commit()
    response = redirect(url_for("auth.me"))
    lang = request.form.get("lang", "")
    if lang in LOCALES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    flash(_("Preferences saved."), "success")
    return response
