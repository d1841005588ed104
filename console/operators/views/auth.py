"""Sign in and out, the one-time first-admin setup, and the operator's own password and preferences."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from console import db, security
from console.audit import record_action
from console.i18n import LANG_COOKIE, LOCALES, valid_timezone
from console.models import Operator, utcnow
from console.security import limiter, role_required

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


def _failed(response) -> bool:
    return response.status_code == 401


def _name_key() -> str:
    return "login-name:" + request.form.get("name", "").strip().lower()[:64]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_name_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if request.method == "GET":
        return render_template("operators/auth/login.html", next=request.args.get("next", ""))
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    operator = db.session.scalar(select(Operator).where(func.lower(Operator.name) == name.lower()))
    if not security.check_password(operator, password) or operator.disabled:
        return render_template("operators/auth/login.html", next=request.form.get("next", ""), name=name,
                               error=_("Wrong name or password.")), 401
    session.clear()  # no session fixation: a fresh session for the signed-in operator
    login_user(operator)
    operator.last_login_at = utcnow()
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
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
    name = request.form.get("name", "").strip()
    password = request.form.get("password", "")
    error = _form_problem(name, password, request.form.get("confirm", ""))
    if error:
        return render_template("operators/auth/setup.html", token=token, name=name, error=error), 400
    admin = Operator(name=name, role="admin", password_hash=security.hash_password(password),
                     last_login_at=utcnow())   # signed in below: the operators page says since when
    db.session.add(admin)
    security.consume_setup_token(db.session)
    db.session.commit()
    session.clear()
    login_user(admin)
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
    return render_template("operators/auth/me.html")


@bp.route("/me/password", methods=["POST"])
@role_required("viewer")
@limiter.limit(_login_limit, deduct_when=lambda r: r.status_code == 400)
def change_password():
    if not security.check_password(current_user, request.form.get("current", "")):
        return render_template("operators/auth/me.html", error=_("The current password is wrong.")), 400
    password = request.form.get("password", "")
    problem = _form_problem(current_user.name, password, request.form.get("confirm", ""))
    if problem:
        return render_template("operators/auth/me.html", error=problem), 400
    operator = current_user._get_current_object()
    operator.password_hash = security.hash_password(password)
    operator.session_token = security.new_session_token()
    db.session.commit()
    login_user(operator)  # keep this session; others end with the old token
    record_action("operator.change_password", [current_user.name])
    flash(_("Your password was changed. Other sessions are signed out."), "success")
    return redirect(url_for("auth.me"))


@bp.route("/me/preferences", methods=["POST"])
@role_required("viewer")
def preferences():
    tz = request.form.get("timezone", "").strip()
    if tz and not valid_timezone(tz):
        return render_template("operators/auth/me.html", error=_("Unknown time zone %(tz)s.", tz=tz)), 400
    current_user.timezone = tz or None
    db.session.commit()
    response = redirect(url_for("auth.me"))
    lang = request.form.get("lang", "")
    if lang in LOCALES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    flash(_("Preferences saved."), "success")
    return response
