"""Single sign-on pages: off to the identity provider and back (/login/sso, /login/sso/callback).
The same round trip creates the first admin from the setup link, and re-authenticates for sudo mode."""
from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from joserfc.errors import JoseError
from requests import RequestException

from console import db, security
from console.audit import record_action
from console.models import utcnow
from console.operators import signin, sso
from console.security import limiter

bp = Blueprint("sso", __name__)

FLOW_KEY = "sso_flow"  # what the round trip is for: {"next": url, "setup": token, "reauth": bool}


@bp.route("/login/sso")
@limiter.limit("30 per minute")
def start():
    if not sso.enabled(current_app.config):
        abort(404)
    flow = {"next": signin.safe_next(request.args.get("next"))}
    setup = request.args.get("setup", "")
    if setup:
        if not security.setup_token_valid(db.session, setup):
            abort(404)
        flow["setup"] = setup
    extra = {}
    if request.args.get("reauth") and current_user.is_authenticated:
        flow["reauth"] = True
        extra = {"prompt": "login", "max_age": 0}
    session[FLOW_KEY] = flow
    try:
        return sso.client().authorize_redirect(url_for("sso.callback", _external=True), **extra)
    except (RequestException, AuthlibBaseError, ValueError, KeyError):
        current_app.logger.warning("single sign-on: the identity provider cannot be reached", exc_info=True)
        return _refused(_("The identity provider cannot be reached. Try again later."), 502)


def _refused(message, status: int = 403):
    return render_template("operators/auth/login.html", error=message, next=""), status


@bp.route("/login/sso/callback")
@limiter.limit("30 per minute")
def callback():
    if not sso.enabled(current_app.config):
        abort(404)
    flow = session.pop(FLOW_KEY, None) or {}
    try:
        token = sso.client().authorize_access_token()
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as exc:  # bad token
        current_app.logger.info("single sign-on refused: %s", exc)
        security.record_attempt("", "sso", False, reason="token")
        return _refused(_("Single sign-on failed. Try again."))
    claims = token.get("userinfo") or {}
    try:
        who = sso.identity(current_app.config, claims)
        if flow.get("reauth") and current_user.is_authenticated:
            return _reauthenticated(who, flow)
        if flow.get("setup"):
            return _first_admin(who, flow["setup"])
        operator = sso.operator_for(db.session, current_app.config, who)
    except sso.Refused as refusal:
        db.session.rollback()
        security.record_attempt(refusal.name, "sso", False, reason=refusal.reason)
        return _refused(str(refusal.message))
    db.session.commit()
    return signin.complete(operator, "sso", flow.get("next") or url_for("dashboard.index"))


def _reauthenticated(who: sso.Identity, flow: dict):
    """Sudo mode for a single sign-on operator: the identity provider asked again."""
    operator = current_user._get_current_object()
    if operator.sso_subject != who.subject:
        raise sso.Refused("reauth", _("That is not the account you are signed in with."), who.email)
    row = security.current_session()
    row.proved_at = utcnow()
    db.session.commit()
    security.record_attempt(operator.name, "sso", True, operator, reason="reauth")
    flash(_("Confirmed. Repeat the action now."), "success")
    return redirect(flow.get("next") or url_for("dashboard.index"))


def _first_admin(who: sso.Identity, token: str):
    """The setup link, used through single sign-on: this identity becomes the first admin."""
    admin = security.create_first_admin(db.session, token, who.email[:64], sso.unusable_password())
    if admin is None:
        abort(404)
    admin.sso_subject = who.subject
    db.session.commit()
    security.sign_in(admin, "sso")
    security.record_attempt(admin.name, "sso", True, admin)
    record_action("operator.create", [admin.name], detail={"role": "admin", "via": "setup"})
    flash(_("Welcome, %(name)s. You are the first admin.", name=admin.name), "success")
    return redirect(url_for("dashboard.index"))
