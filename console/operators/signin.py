"""The steps of signing in shared by every way in (password, second factor, SSO): finishing it,
and the half-signed-in state between a right password and the second factor."""
from __future__ import annotations

import time

from flask import redirect, session, url_for

from console import db, security
from console.models import Operator

PENDING_KEY = "pending_2fa"
PENDING_TTL = 300  # seconds between the password and the second factor


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site (no open redirect), else the dashboard."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


def complete(operator: Operator, method: str, next_url: str):
    """Start the operator's session in this browser, record the sign-in, go on to `next_url`."""
    security.sign_in(operator, method)
    security.record_attempt(operator.name, method, True, operator)
    return redirect(next_url)


def after_first_factor(operator: Operator, next_url: str, method: str = "password"):
    """The password was right: sign in, or first ask for the second factor when there is one."""
    if security.totp_of(operator) is None:
        return complete(operator, method, next_url)
    session.clear()
    session[PENDING_KEY] = {"op": operator.id, "at": int(time.time()), "next": next_url}
    return redirect(url_for("auth.login_code"))


def pending_operator() -> tuple[Operator | None, str]:
    """The operator waiting for their second factor in this browser, and where they were going."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("op"), int) \
            or time.time() - pending.get("at", 0) > PENDING_TTL:
        return None, ""
    operator = db.session.get(Operator, pending["op"])
    if operator is None or operator.disabled:
        return None, ""
    return operator, str(pending.get("next") or "/")


def count_failure(limit: int = 5) -> bool:
    """Count a wrong second factor; False (and the pending sign-in is dropped) after `limit`."""
    pending = dict(session.get(PENDING_KEY) or {})
    pending["fails"] = int(pending.get("fails", 0)) + 1
    if pending["fails"] >= limit:
        session.pop(PENDING_KEY, None)
        return False
    session[PENDING_KEY] = pending
    return True
