"""Single sign-on with OpenID Connect (issue #20 item 3) against a local provider started here
(tests/web/oidc_provider.py: discovery, JWKS with a key generated for the test, token endpoint)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from web_client import Browser
from joserfc import jwk
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from sqlalchemy import select

from console import db, security
from console.config import ConfigError, load_settings
from console.models import Operator, SignInAttempt


@pytest.fixture
def provider():
    with Provider() as p:
        yield p


@pytest.fixture
def sso_app(make_app, provider, tmp_path):
    def build(**overrides):
        secret = tmp_path / "oidc-secret"
        secret.write_text(CLIENT_SECRET + "\n")
        cfg = {"OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET_FILE": str(secret),
               "OIDC_ALLOWED_DOMAINS": "example.com", "OIDC_ROLE_CLAIM": "groups",
               "OIDC_ROLE_MAP": "console-admins=admin,console-ops=operator"}
        return make_app(**{**cfg, **overrides})
    return build


def sso_sign_in(app, provider, claims: dict, browser: Browser | None = None, start: str = "/login/sso"):
    """Go through the round trip: (browser, the console's answer to the callback)."""
    b = browser or Browser(app.test_client())
    go = b.get(start)
    assert go.status_code == 302, go.get_data(as_text=True)[:300]
    query = parse_qs(urlsplit(go.headers["Location"]).query)
    assert go.headers["Location"].startswith(provider.issuer + "/authorize")
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0]
    code = provider.issue_code(claims, query["nonce"][0])
    return b, b.get(f"/login/sso/callback?code={code}&state={query['state'][0]}")


def _operator(app, name: str) -> Operator | None:
    with db.new_session(app) as sess:
        return sess.scalar(select(Operator).where(Operator.name == name))


def _last_attempt(app) -> SignInAttempt:
    with db.new_session(app) as sess:
        return sess.scalars(select(SignInAttempt).order_by(SignInAttempt.id.desc())).first()


def test_sign_in_creates_an_operator_with_the_mapped_role(sso_app, provider):
    app = sso_app()
    claims = {"sub": "u-1", "email": "Ann@Example.com", "email_verified": True, "groups": ["staff", "console-ops"]}
    b, resp = sso_sign_in(app, provider, claims)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert b.get("/me").status_code == 200
    op = _operator(app, "ann@example.com")
    assert op.role == "operator" and op.sso_subject == f"{provider.issuer}|u-1"
    last = _last_attempt(app)
    assert (last.method, last.success, last.operator_id) == ("sso", True, op.id)
    # the token request authenticated the client with the secret read from the file
    assert provider.token_requests[-1]["grant_type"] == "authorization_code"


def test_the_role_follows_the_claim(sso_app, provider):
    app = sso_app()
    sso_sign_in(app, provider, {"sub": "u-2", "email": "bo@example.com", "groups": "console-admins"})
    assert _operator(app, "bo@example.com").role == "admin"
    sso_sign_in(app, provider, {"sub": "u-2", "email": "bo@example.com", "groups": []})
    assert _operator(app, "bo@example.com").role == "viewer"  # OIDC_DEFAULT_ROLE


def test_no_role_is_refused_when_there_is_no_default(sso_app, provider):
    app = sso_app(OIDC_DEFAULT_ROLE="none")
    b, resp = sso_sign_in(app, provider, {"sub": "u-3", "email": "cy@example.com", "groups": ["staff"]})
    assert resp.status_code == 403 and "no role" in resp.get_data(as_text=True)
    assert _operator(app, "cy@example.com") is None and b.get("/me").status_code == 302


def test_a_refused_email_domain(sso_app, provider):
    app = sso_app()
    b, resp = sso_sign_in(app, provider, {"sub": "u-4", "email": "eve@evil.example", "groups": "console-admins"})
    assert resp.status_code == 403 and "evil.example" in resp.get_data(as_text=True)
    assert _operator(app, "eve@evil.example") is None and b.get("/me").status_code == 302
    last = _last_attempt(app)
    assert (last.success, last.reason, last.name) == (False, "domain", "eve@evil.example")


def test_an_unverified_email_is_refused(sso_app, provider):
    app = sso_app()
    _b, resp = sso_sign_in(app, provider, {"sub": "u-5", "email": "dan@example.com", "email_verified": False})
    assert resp.status_code == 403 and _operator(app, "dan@example.com") is None


def test_a_token_signed_by_another_key_is_refused(sso_app, provider):
    app = sso_app()
    b = Browser(app.test_client())
    go = b.get("/login/sso")
    query = parse_qs(urlsplit(go.headers["Location"]).query)
    forged = jwk.RSAKey.generate_key(2048, parameters={"kid": provider.key.kid}, private=True)
    code = provider.issue_code({"sub": "u-6", "email": "mal@example.com"}, query["nonce"][0], key=forged)
    resp = b.get(f"/login/sso/callback?code={code}&state={query['state'][0]}")
    assert resp.status_code == 403 and _operator(app, "mal@example.com") is None


def test_a_wrong_nonce_or_state_is_refused(sso_app, provider):
    app = sso_app()
    b = Browser(app.test_client())
    go = b.get("/login/sso")
    query = parse_qs(urlsplit(go.headers["Location"]).query)
    code = provider.issue_code({"sub": "u-7", "email": "ned@example.com"}, "not-the-nonce")
    assert b.get(f"/login/sso/callback?code={code}&state={query['state'][0]}").status_code == 403
    code = provider.issue_code({"sub": "u-7", "email": "ned@example.com"}, query["nonce"][0])
    assert b.get(f"/login/sso/callback?code={code}&state=forged").status_code == 403
    assert _operator(app, "ned@example.com") is None


def test_a_disabled_operator_is_refused(sso_app, provider):
    app = sso_app()
    sso_sign_in(app, provider, {"sub": "u-8", "email": "old@example.com"})
    with db.new_session(app) as sess:
        sess.scalar(select(Operator).where(Operator.name == "old@example.com")).disabled = True
    _b, resp = sso_sign_in(app, provider, {"sub": "u-8", "email": "old@example.com"})
    assert resp.status_code == 403


def test_local_passwords_can_be_turned_off(sso_app, provider, browser_for):
    app = sso_app(LOCAL_PASSWORDS="0")
    b = browser_for(app, ["admin"])
    page = b.get("/login").get_data(as_text=True)
    assert 'name="password"' not in page and "/login/sso" in page
    assert b.login("admin").status_code == 403
    assert b.get("/me").status_code == 302


def test_passwords_off_needs_sso():
    with pytest.raises(ConfigError, match="LOCAL_PASSWORDS"):
        load_settings("/tmp", {"LOCAL_PASSWORDS": "0", "TIM_APP_ID": "1", "TIM_SECRET": "s", "TIM_ADMIN": "a",
                               "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


def test_the_first_admin_link_works_through_sso(sso_app, provider):
    app = sso_app(LOCAL_PASSWORDS="0")
    with db.new_session(app) as sess:
        token = security.new_setup_token(sess)
    b = Browser(app.test_client())
    page = b.get(f"/setup/{token}").get_data(as_text=True)
    assert f"/login/sso?setup={token}" in page and 'name="password"' not in page
    b, resp = sso_sign_in(app, provider, {"sub": "root", "email": "root@example.com"}, b,
                          start=f"/login/sso?setup={token}")
    assert resp.status_code == 302 and b.get("/operators").status_code == 200
    assert _operator(app, "root@example.com").role == "admin"  # admin by the link, whatever the claim
    assert Browser(app.test_client()).get(f"/setup/{token}").status_code == 404


def test_the_first_admin_link_still_works_with_passwords(sso_app, provider):
    app = sso_app()
    with db.new_session(app) as sess:
        token = security.new_setup_token(sess)
    b = Browser(app.test_client())
    page = b.get(f"/setup/{token}").get_data(as_text=True)
    assert 'name="password"' in page and f"/login/sso?setup={token}" in page


def test_sudo_through_sso(sso_app, provider):
    from test_sudo import _stale

    app = sso_app()
    b, _resp = sso_sign_in(app, provider, {"sub": "u-9", "email": "ops@example.com", "groups": "console-ops"})
    _stale(app, "ops@example.com")
    prompt = b.post("/messages/mute", data={"user_id": "x", "c2c": "0", "group": "0"},
                    headers={"Referer": "http://localhost/messages/mute"})
    assert prompt.status_code == 401 and "/login/sso?reauth=1" in prompt.get_data(as_text=True)
    b, resp = sso_sign_in(app, provider, {"sub": "u-9", "email": "ops@example.com", "groups": "console-ops"}, b,
                          start="/login/sso?reauth=1&next=/messages/mute")
    assert resp.status_code == 302 and resp.headers["Location"] == "/messages/mute"
    again = b.post("/messages/mute", data={"user_id": "x", "c2c": "0", "group": "0"})
    assert again.status_code != 401


def test_sso_is_off_without_an_issuer(app, browser):
    assert browser.get("/login/sso").status_code == 404
    assert "/login/sso" not in browser.get("/login").get_data(as_text=True)
