"""Sign-in, roles, CSRF, login throttling and the security headers every response carries."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

import pyotp
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user
from flask_wtf.csrf import CSRFProtect
from htmx_flask import make_response
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.security import check_password_hash, generate_password_hash

from console import db
from console.models import ROLES, Operator, OperatorSession, OperatorTOTP, Setting, SignInAttempt, utcnow

__all__ = ["current_user", "role_required", "sudo_required", "csrf", "limiter", "login_manager"]

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
    """The operator of this request's server-side session; None (signed out) when the cookie names
    no live session row: logout, "end session", a password or role change end the row."""
    op_id, _sep, token = ident.partition(":")
    row = _live_session(session.get(SESSION_KEY))
    if not op_id.isdigit() or row is None or row.operator_id != int(op_id):
        return None
    operator = db.session.get(Operator, int(op_id))
    if operator is None or operator.disabled or not hmac.compare_digest(operator.session_token, token):
        return None
    g.operator_session = row
    _touch(row)
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


def create_first_admin(sess, token: str, name: str, password_hash: str) -> Operator | None:
    """Use the setup token and create the first admin in one transaction, or None when the token
    is no longer there. The conditional DELETE is the claim: of two requests racing with the same
    link (two workers), the database lets exactly one delete the row; the other deletes nothing."""
    sess.rollback()  # start the claim in a fresh transaction (no stale snapshot)
    try:
        claimed = sess.execute(delete(Setting).where(Setting.key == SETUP_KEY, Setting.value == token),
                               execution_options={"synchronize_session": False}).rowcount
        if claimed != 1 or operator_count(sess):
            sess.rollback()
            return None
        admin = Operator(name=name, role="admin", password_hash=password_hash)
        sess.add(admin)
        sess.commit()
    except (IntegrityError, OperationalError):
        sess.rollback()
        return None
    return admin


def setup_url(app, token: str) -> str:
    base = app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    return f"{base}/setup/{token}"


def new_session_token() -> str:
    """A new Operator.session_token: storing it signs out every session made with the old one
    (kept beside the server-side sessions, which end_sessions ends one by one)."""
    return secrets.token_hex(8)


# ---- server-side sessions --------------------------------------------------------------------
# The Flask session (a signed cookie) carries only SESSION_KEY, a random token; its SHA-256 names
# an OperatorSession row that every request checks (see _load_operator).

SESSION_KEY = "sid"
SEEN_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _live_session(token) -> OperatorSession | None:
    if not isinstance(token, str) or not token:
        return None
    row = db.session.scalar(select(OperatorSession).where(OperatorSession.token_hash == _token_hash(token)))
    if row is None or row.ended_at is not None:
        return None
    if utcnow() - row.last_seen_at > current_app.permanent_session_lifetime:  # idle too long
        end_sessions(row.operator_id, ids=[row.id])
        db.session.commit()
        return None
    return row


def _touch(row: OperatorSession) -> None:
    now = utcnow()
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
        db.session.commit()


def _storable(text: str, limit: int) -> str:
    """`text` as a database can store it: no NUL (PostgreSQL refuses it), no lone surrogate."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")[:limit]


def client_ip() -> str:
    return _storable(request.remote_addr or "", 64)


def client_agent() -> str:
    return _storable(request.user_agent.string, 256)


def sign_in(operator: Operator, method: str) -> OperatorSession:
    """Start a new server-side session for `operator` in this browser (a fresh Flask session: no
    fixation) and sign in; signing in counts as a proof for sudo mode. Commits."""
    end_current_session()
    session.clear()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = OperatorSession(token_hash=_token_hash(token), operator_id=operator.id, created_at=now,
                          last_seen_at=now, proved_at=now, ip=client_ip(), user_agent=client_agent(),
                          method=method)
    db.session.add(row)
    operator.last_login_at = now
    db.session.commit()
    session[SESSION_KEY] = token
    login_user(operator)
    g.operator_session = row
    return row


def current_session() -> OperatorSession | None:
    """The server-side session of this request (after current_user was loaded)."""
    if current_user.is_authenticated:
        return g.get("operator_session")
    return None


def end_current_session() -> None:
    row = _live_session(session.get(SESSION_KEY)) if session.get(SESSION_KEY) else None
    if row is not None:
        end_sessions(row.operator_id, ids=[row.id])
        db.session.commit()


def end_sessions(operator_id: int, ids=None, keep: int | None = None, sess=None) -> int:
    """End the operator's live sessions (only `ids` if given, all but `keep` if given); the number
    ended. The caller commits (`sess`, default the request's session)."""
    stmt = update(OperatorSession).where(OperatorSession.operator_id == operator_id,
                                         OperatorSession.ended_at.is_(None))
    if ids is not None:
        stmt = stmt.where(OperatorSession.id.in_(list(ids)))
    if keep is not None:
        stmt = stmt.where(OperatorSession.id != keep)
    return (sess or db.session).execute(stmt.values(ended_at=utcnow()),
                                        execution_options={"synchronize_session": False}).rowcount or 0


def live_sessions(operator_id: int) -> list[OperatorSession]:
    return list(db.session.scalars(select(OperatorSession).where(
        OperatorSession.operator_id == operator_id, OperatorSession.ended_at.is_(None))
        .order_by(OperatorSession.last_seen_at.desc())))


# ---- sign-in history -------------------------------------------------------------------------

def record_attempt(name: str, method: str, success: bool, operator: Operator | None = None,
                   reason: str | None = None) -> None:
    """One row of the sign-in history (successful or failed sign-in, or re-authentication). Commits."""
    db.session.add(SignInAttempt(at=utcnow(), operator_id=operator.id if operator else None,
                                 name=_storable(name, 255), ip=client_ip(), user_agent=client_agent(),
                                 method=method, success=success, reason=reason))
    db.session.commit()


# ---- TOTP codes ------------------------------------------------------------------------------

TOTP_WINDOW = 1  # one 30-second step either side, for clocks that drift


def totp_of(operator: Operator) -> OperatorTOTP | None:
    """The operator's enabled second factor, or None."""
    row = db.session.get(OperatorTOTP, operator.id)
    return row if row is not None and row.enabled else None


def check_totp(row: OperatorTOTP, code: str) -> bool:
    """True if `code` is valid now and newer than the last accepted one (a replayed code is
    refused); remembers its step. The caller commits."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(row.secret)
    now = utcnow()
    step = totp.timecode(now)
    for delta in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
        candidate = step + delta
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            if row.last_step is not None and candidate <= row.last_step:
                return False
            row.last_step = candidate
            return True
    return False


# ---- sudo mode -------------------------------------------------------------------------------
# Irreversible or app-wide actions ask again for the password (or a TOTP code) when this session's
# last proof is older than SUDO_MAX_AGE. docs/security.md lists the guarded endpoints.

SUDO_MAX_AGE = dt.timedelta(minutes=10)
SUDO_FIELDS = ("sudo_password", "sudo_code")
SUDO_MAX_FAILURES = 10  # failed re-authentications per operator per SUDO_MAX_AGE


def proof_fresh() -> bool:
    row = current_session()
    return row is not None and utcnow() - row.proved_at < SUDO_MAX_AGE


def prove(password: str = "", code: str = "") -> str | None:
    """Check the current operator's password or TOTP code; on success mark this session proved
    now and return None, else a translated problem. Each try is in the sign-in history."""
    operator = current_user._get_current_object()
    since = utcnow() - SUDO_MAX_AGE
    failures = db.session.scalar(select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.operator_id == operator.id, SignInAttempt.success.is_(False),
        SignInAttempt.reason == "reauth", SignInAttempt.at >= since)) or 0
    if failures >= SUDO_MAX_FAILURES:
        return _("Too many failed attempts. Wait a few minutes and try again.")
    totp = totp_of(operator) if code else None
    if code:
        ok, method = totp is not None and check_totp(totp, code), "totp"
    else:
        ok, method = bool(password) and check_password(operator, password), "password"
    record_attempt(operator.name, method, ok, operator, reason="reauth")
    if not ok:
        return _("That code is not valid.") if code else _("The password is wrong.")
    row = current_session()
    row.proved_at = utcnow()
    db.session.commit()
    return None


def _replayed_fields() -> list[tuple[str, str]]:
    skip = {*SUDO_FIELDS, "csrf_token"}
    return [(k, v) for k, values in request.form.lists() if k not in skip for v in values]


def sudo_prompt(error: str | None = None):
    """The re-authentication prompt: for htmx a `sudo-required` event (static/js/sudo.js opens the
    dialog and repeats the request once proved); otherwise a page that re-posts the form."""
    if request.htmx:
        return make_response("", 200, reswap="none", trigger={"sudo-required": request.path})
    totp = totp_of(current_user)
    referrer = urlsplit(request.referrer or "")
    back = referrer.path if referrer.netloc == request.host and referrer.path.startswith("/") else None
    return render_template("operators/auth/sudo.html", action=request.full_path.rstrip("?"), back=back,
                           fields=_replayed_fields(), error=error, has_totp=totp is not None), 401


def sudo_required(view=None, *, when=None):
    """Ask for a fresh proof before a state-changing request to `view` (see SUDO_MAX_AGE).
    `when()`, if given, says whether this request needs it (e.g. only the bulk action "delete").
    Reads (GET/HEAD) never prompt. Put it below @role_required."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in ("GET", "HEAD", "OPTIONS") or (when is not None and not when()) \
                    or proof_fresh():
                return view(*args, **kwargs)
            if any(request.form.get(f) for f in SUDO_FIELDS):
                error = prove(request.form.get("sudo_password", ""), request.form.get("sudo_code", ""))
                if error is None:
                    return view(*args, **kwargs)
                return sudo_prompt(error)
            return sudo_prompt()

        wrapper.sudo_required = True
        return wrapper

    return decorator(view) if view is not None else decorator
