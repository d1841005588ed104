"""Walk every route of the app for every role and signed out.

Allowed → 2xx (or 404/400 for a route whose sample argument names nothing), denied → 403,
signed out → a redirect to the login page (401 + HX-Redirect for htmx). Nothing answers 5xx.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from console.models import ROLES

SAMPLE_ARGS = {"fmt": "csv", "token": "not-a-token", "section": "accounts",
               "session_id": 10**6}  # not the walker's own session, which would sign it out
PUBLIC = {"static", "auth.login", "auth.logout", "auth.setup", "health.healthz",
          "auth.login_code",  # the second step of sign-in: only after a right password
          "sso.start", "sso.callback"}  # single sign-on (404 unless OIDC_ISSUER is set)


def _url(rule: Rule) -> str:
    values = {}
    for arg in rule.arguments:
        numeric = isinstance(rule._converters[arg], NumberConverter)
        values[arg] = SAMPLE_ARGS.get(arg) or (1 if numeric else "x")
    path = rule.build(values, append_unknown=False)[1]
    return path + ("?target=x" if rule.endpoint == "audit.history_panel" else "")


def _routes(app, method: str):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static":
            yield rule, app.view_functions[rule.endpoint]


def _required_role(view) -> str | None:
    while view is not None:
        role = getattr(view, "required_role", None)
        if role:
            return role
        view = getattr(view, "__wrapped__", None)
    return None


def _assert_response(resp, rule, role, required, empty_form=False):
    status = resp.status_code
    where = f"{rule.rule} as {role or 'signed out'}"
    assert status < 500, f"{where}: {status}"
    if required is None:
        return
    if role is None:
        assert status == 302 and "/login" in resp.headers["Location"], f"{where}: {status}"
    elif ROLES.index(role) >= ROLES.index(required):
        ok = 200 <= status < 300 or (rule.arguments and status in (400, 404)) or status in (302, 303)
        ok = ok or (empty_form and status == 400)  # an empty form is rightly refused
        assert ok, f"{where}: {status}"
    else:
        assert status == 403, f"{where}: {status}"


@pytest.fixture
def seeded(app, operators, tim):
    """Sample objects, so detail routes find something: audit entry 1, job 1, IM account and group "x"."""
    tim.account.import_account("x")
    tim.group.create_group("Public", "x", owner="x", group_id="x")
    from console import db, jobs
    from console.audit import AuditContext, write_entry
    from console.models import Job

    write_entry(app, AuditContext(source="cli"), action="seed.entry", endpoint=None, targets=["x"],
                outcome="ok")
    with db.new_session(app) as sess:
        sess.add(Job(kind="directory.check", status="done", params={"items": []}))
    assert jobs.KINDS
    return app


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_get_route(seeded, signed_in, browser, role):
    client = signed_in(role) if role else browser
    seen = 0
    for rule, view in _routes(seeded, "GET"):
        resp = client.get(_url(rule), buffered=False)
        try:  # a fragment asked for without its query parameters is rightly refused (400)
            _assert_response(resp, rule, role, _required_role(view), empty_form=True)
        finally:
            resp.close()
        seen += 1
    assert seen >= 15


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_post_route_enforces_roles(seeded, signed_in, browser, role):
    """POST with a valid CSRF token: denied roles get 403 before anything happens."""
    client = signed_in(role) if role else browser
    for rule, view in sorted(_routes(seeded, "POST"), key=lambda r: r[0].endpoint == "auth.logout"):
        required = _required_role(view)
        if required is None:
            continue  # public forms (login, setup, the callback) have their own tests
        allowed = role is not None and ROLES.index(role) >= ROLES.index(required)
        if allowed and rule.endpoint.startswith("operators."):
            continue  # these would change the operators this test signs in as
        resp = client.post(_url(rule), {}, htmx=False)
        _assert_response(resp, rule, role, required, empty_form=True)


def test_htmx_request_signed_out_gets_hx_redirect(browser):
    resp = browser.get("/audit", headers={"HX-Request": "true"})
    assert resp.status_code == 401 and resp.headers["HX-Redirect"].startswith("/login")


def test_every_view_declares_a_role_or_is_public(app):
    """A new view without @role_required would be open to anyone: fail loudly instead."""
    open_views = {rule.endpoint for rule, view in _routes(app, "GET") if _required_role(view) is None}
    open_views |= {rule.endpoint for rule, view in _routes(app, "POST") if _required_role(view) is None}
    unexpected = {e for e in open_views - PUBLIC if not e.startswith(("callback", "events.callback"))}
    assert not unexpected, f"views without a role: {sorted(unexpected)}"
