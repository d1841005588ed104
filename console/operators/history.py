"""The sign-in history: each operator's attempts, and the failures admins are shown."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from console.models import SignInAttempt, utcnow
from console.ui import labels

labels.define("sign_in_method", {"password": _l("password"), "totp": _l("authenticator code"),
                                 "recovery": _l("recovery code"), "sso": _l("single sign-on"),
                                 "setup": _l("setup link")})

FAILURE_WINDOW = dt.timedelta(days=7)


def attempts(sess, operator_id: int, limit: int = 50) -> list[SignInAttempt]:
    """The operator's latest sign-ins and re-authentications, newest first."""
    return list(sess.scalars(select(SignInAttempt).where(SignInAttempt.operator_id == operator_id)
                             .order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc()).limit(limit)))


def failures_by_operator(sess, since: dt.datetime | None = None) -> dict[int | None, int]:
    """Failed attempts since `since` (default: the last FAILURE_WINDOW) per operator id; None
    counts the names that match no operator."""
    since = since or utcnow() - FAILURE_WINDOW
    rows = sess.execute(select(SignInAttempt.operator_id, func.count()).where(
        SignInAttempt.success.is_(False), SignInAttempt.at >= since).group_by(SignInAttempt.operator_id))
    return {op_id: n for op_id, n in rows}


def recent_unknown(sess, limit: int = 20) -> list[SignInAttempt]:
    """The latest failed attempts with a name that matches no operator (probing)."""
    return list(sess.scalars(select(SignInAttempt).where(SignInAttempt.operator_id.is_(None))
                             .order_by(SignInAttempt.at.desc(), SignInAttempt.id.desc()).limit(limit)))
