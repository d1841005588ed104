"""Sign-in, roles, CSRF, login throttling and the security headers every response carries."""
from __future__ import annotations

import functools
import hmac
import secrets

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required
from flask_wtf.csrf import CSRFProtect
from htmx_flask import make_response
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from console import db
from console.models import ROLES, Operator, Setting, utcnow

__all__ = ["current_user", "role_required", "csrf", "limiter", "login_manager"]

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")

MIN_PASSWORD = 10
SETUP_KEY = "setup_token"

def content_security_policy(avatar_sources=()) -> str:
    """The CSP of every page: nothing inline, nothing from elsewhere, except avatars from
    `avatar_sources` (TIM_AVATAR_SOURCES, see console.ui.avatars)."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(["img-src 'self' data:", *avatar_sources]),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])



def init_app(app) -> None:
    secure = app.config.get("COOKIE_SECURE")
    if secure is None:  # Secure cookies except in debug and tests (COOKIE_SECURE=0 to force off)
        secure = not (app.debug or app.testing)
    app.config.update(
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a viewer tab may stay open for hours
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.session_protection = "strong"
    app.extensions["csp"] = content_security_policy(app.config.get("TIM_AVATAR_SOURCES") or ())
    app.after_request(_security_headers)


@login_manager.user_loader
def _load_operator(ident: str) -> Operator | None:
    op_id, _, token = ident.partition(":")
    if not op_id.isdigit():
        return None
    operator = db.session.get(Operator, int(op_id))
    if operator is None or operator.disabled or not hmac.compare_digest(operator.session_token, token):
        return None
    return operator


@login_manager.unauthorized_handler
def _unauthorized():
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.htmx:
        # A 302 would be followed inside the XHR and swap the login page into a fragment.
        return make_response("", 401, redirect=login_url)
    flash(str(login_manager.login_message), "info")
    return redirect(login_url)


def role_required(role: str):
    """Require a signed-in, active operator whose role is at least `role` (viewer < operator < admin)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_role = role
        return wrapper

    return decorator


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.extensions["csp"])
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static" and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# ---- passwords -------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password(operator: Operator | None, password: str) -> bool:
    if operator is None:
        # Spend the same time as a real check so names cannot be probed by timing.
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(operator.password_hash, password)


_DUMMY_HASH = generate_password_hash(secrets.token_hex(8), method="scrypt")


def name_problem(name: str) -> str | None:
    """A translated reason the operator name is unacceptable, or None."""
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        return str(_l("Choose a name of 1 to 64 characters without spaces."))
    return None


def password_problem(password: str) -> str | None:
    """A translated reason the password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD:
        return str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD))
    return None


# ---- first-admin setup token -----------------------------------------------------------------
# Stored as is: it only works while no operator exists, and whoever can read the database
# already controls the console. Keeping it lets the server log and `operators setup-url` show
# the same link.

def operator_count(sess) -> int:
    return sess.scalar(select(func.count()).select_from(Operator)) or 0


def new_setup_token(sess, rotate: bool = False) -> str | None:
    """The one-time setup token (issued on first use, or anew with `rotate`); None if operators exist."""
    if operator_count(sess):
        return None
    row = sess.get(Setting, SETUP_KEY)
    if row is not None and row.value and not rotate:
        return row.value
    row = row or Setting(key=SETUP_KEY)
    row.value = secrets.token_urlsafe(24)
    row.updated_at = utcnow()
    sess.add(row)
    sess.flush()
    return row.value


def setup_token_valid(sess, token: str) -> bool:
    row = sess.get(Setting, SETUP_KEY)
    if row is None or not row.value or operator_count(sess):
        return False
    return hmac.compare_digest(row.value.encode(), token.encode())


def consume_setup_token(sess) -> None:
    row = sess.get(Setting, SETUP_KEY)
    if row is not None:
        sess.delete(row)


def setup_url(app, token: str) -> str:
    base = app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    return f"{base}/setup/{token}"


def new_session_token() -> str:
    """A new Operator.session_token: storing it signs out every session made with the old one."""
    return secrets.token_hex(8)
