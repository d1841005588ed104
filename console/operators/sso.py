"""Single sign-on with OpenID Connect (issue #20 item 3), through Authlib's Flask client.

Configured from the environment (console.config: OIDC_ISSUER, OIDC_CLIENT_ID,
OIDC_CLIENT_SECRET_FILE, OIDC_ALLOWED_DOMAINS, OIDC_ROLE_CLAIM, OIDC_ROLE_MAP, OIDC_DEFAULT_ROLE,
LOCAL_PASSWORDS). Authlib validates the ID token (signature from the issuer's JWKS, issuer,
audience, expiry, nonce); this module decides who the identity is in the console."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from console import security
from console.models import ROLES, Operator

EXTENSION = "authlib.integrations.flask_client"


def enabled(config) -> bool:
    return bool(config.get("OIDC_ISSUER"))


def client():
    """The app's OIDC client (registered on first use)."""
    app = current_app._get_current_object()
    oauth = app.extensions.get(EXTENSION)
    if oauth is None:
        oauth = OAuth(app)
        cfg = app.config
        oauth.register("oidc", client_id=cfg["OIDC_CLIENT_ID"], client_secret=cfg["OIDC_CLIENT_SECRET"],
                       server_metadata_url=cfg["OIDC_ISSUER"] + "/.well-known/openid-configuration",
                       client_kwargs={"scope": cfg["OIDC_SCOPES"], "timeout": 10})
    return oauth.oidc


@dataclass
class Identity:
    subject: str  # "<issuer>|<sub>"
    email: str
    role: str | None  # None: the claims map to no role and there is no default


class Refused(Exception):
    """The identity provider vouched for someone the console does not let in; `reason` is stored
    in the sign-in history, the message shown."""

    def __init__(self, reason: str, message, name: str = ""):
        super().__init__(str(message))
        self.reason, self.message, self.name = reason, message, name


def identity(config, claims) -> Identity:
    """Who the ID token's claims name, or Refused (no e-mail, unverified, domain not allowed, no role)."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise Refused("no_email", _l("The identity provider did not give an e-mail address."))
    if claims.get("email_verified") is False:
        raise Refused("unverified", _l("The identity provider has not verified %(email)s.", email=email), email)
    domain = email.rsplit("@", 1)[1]
    allowed = config.get("OIDC_ALLOWED_DOMAINS") or ()
    if allowed and domain not in allowed:
        raise Refused("domain", _l("Accounts of %(domain)s cannot sign in to this console.", domain=domain), email)
    role = role_of(config, claims)
    if role is None:
        raise Refused("no_role", _l("Your account has no role in this console. Ask an admin."), email)
    return Identity(subject=f"{config['OIDC_ISSUER']}|{claims['sub']}", email=email, role=role)


def role_of(config, claims) -> str | None:
    """The highest role the role claim maps to (OIDC_ROLE_MAP, or role names themselves), else
    OIDC_DEFAULT_ROLE."""
    claim = config.get("OIDC_ROLE_CLAIM")
    values = claims.get(claim) if claim else None
    if isinstance(values, str):
        values = values.replace(",", " ").split()
    mapping = config.get("OIDC_ROLE_MAP") or {}
    found = [mapping.get(str(v), str(v)) for v in values or () if isinstance(v, (str, int))]
    found = [r for r in found if r in ROLES]
    return max(found, key=ROLES.index) if found else config.get("OIDC_DEFAULT_ROLE")


def operator_for(sess, config, who: Identity) -> Operator:
    """The operator of this identity: linked before, or the one named by its e-mail (linked now),
    or a new one. The role follows the identity provider when a role claim is configured."""
    op = sess.scalar(select(Operator).where(Operator.sso_subject == who.subject))
    if op is None:
        op = sess.scalar(select(Operator).where(func.lower(Operator.name) == who.email[:64],
                                                Operator.sso_subject.is_(None)))
        if op is None:
            op = Operator(name=who.email[:64], role=who.role, password_hash=unusable_password())
            sess.add(op)
        op.sso_subject = who.subject
    if op.disabled:
        raise Refused("disabled", _l("Your operator account is disabled."), who.email)
    if config.get("OIDC_ROLE_CLAIM") and op.role != who.role:
        op.role = who.role
        sess.flush()
        security.end_sessions(op.id)  # sessions opened under the old role end
    sess.flush()
    return op


def unusable_password() -> str:
    """A password hash nobody knows (operators of single sign-on sign in through it)."""
    return security.hash_password(secrets.token_urlsafe(32))
